/** HTTP errors for both sides: a status and a message written for the client; anything else is a generic 500. */
import type { Response } from 'restify';
import type { z } from 'zod';
import { firstIssue } from '../first-issue.js';
import type { Logger } from '../log.js';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** More for the page to show (a conflicting version, the field at fault). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A 400 naming the field at fault; `whole` names the input when no single field is. */
export function badInput(error: z.ZodError, whole: string): HttpError {
  const { field, message } = firstIssue(error, whole);
  return new HttpError(400, `${field}: ${message}`, { field });
}

/** Turns a domain error into the HttpError a client should see, or undefined when it is not one it knows. */
export type ErrorMapper = (err: unknown) => HttpError | undefined;

/**
 * Sends an error as JSON `{error}`. Known errors keep their message; everything else is logged (through the
 * logger's error serializer, which keeps no command arguments) and reaches the client as a bare 500.
 */
export function sendError(res: Response, err: unknown, log: Logger, map?: ErrorMapper): void {
  const known = err instanceof HttpError ? err : map?.(err);
  if (res.headersSent) {
    if (!known) log.error({ err }, 'request failed after the response began');
    return;
  }
  if (known) {
    res.send(known.status, { error: known.message, ...known.extra });
    return;
  }
  log.error({ err }, 'request failed');
  res.send(500, { error: 'internal error' });
}
