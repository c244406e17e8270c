/** Review dates: an answer not reviewed for `FAQ_REVIEW_MONTHS` is flagged for the admins. */

export function reviewOverdue(lastReviewed: string, today: string, months: number): boolean {
  const [y, m, d] = lastReviewed.split('-').map(Number) as [number, number, number];
  const due = new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
  return due <= today;
}
