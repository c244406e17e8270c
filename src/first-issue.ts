/** The first problem zod found in some input, as the field it is in and a message: what a bad-input error names. */
import type { z } from 'zod';

/** `whole` names the input itself, for a problem with no field (a body that is not an object, say). */
export function firstIssue(error: z.ZodError, whole: string): { field: string; message: string } {
  const issue = error.issues[0]!;
  return { field: issue.path.length ? issue.path.join('.') : whole, message: issue.message };
}
