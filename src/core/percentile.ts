/** Percentiles by nearest rank: the dashboard's waiting times and the benchmarks' latencies. */

/** The value at percentile `p` (0-100) of an ascending list, or undefined for an empty one. */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
