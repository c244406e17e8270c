/**
 * The console API's route guard: security headers, a session of at least the route's role, the CSRF token on
 * every write, staff presence, and errors as JSON `{error}` with the right status.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { IllegalTransitionError } from '../core/conversation.js';
import { ConversationConflictError, ConversationNotFoundError } from '../handoff/conversations.js';
import { ClaimConflictError, NotAssigneeError } from '../handoff/service.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { BadRequestError, readJsonBody } from '../channels/http-util.js';
import { firstIssue } from '../first-issue.js';
import { securityHeaders } from '../channels/widget.js';
import type { Role } from './accounts.js';
import { Sessions, type StaffSession } from './sessions.js';

export const RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };
/** Staff were active within this long: chats needing a person are queued rather than sent to 12338. */
export const PRESENCE_SECONDS = 5 * 60;
export const PRESENCE_KEY = 'console:presence';
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const MAX_BODY = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More for the page to show (a conflicting version, the field at fault). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads and validates a JSON body; a bad one is a 400 naming the field. */
export async function body<T>(req: Request, schema: z.ZodType<T>, limit = MAX_BODY): Promise<T> {
  const parsed = schema.safeParse(await readJsonBody(req, limit));
  if (!parsed.success) throw badInput(parsed.error, 'body');
  return parsed.data;
}

/** A 400 naming the field at fault; `whole` names the input when no single field is. */
export function badInput(error: z.ZodError, whole: string): HttpError {
  const { field, message } = firstIssue(error, whole);
  return new HttpError(400, `${field}: ${message}`, { field });
}

export type Handler = (req: Request, res: Response, session: StaffSession) => Promise<void>;
export type Route = (method: 'get' | 'post' | 'put' | 'del', path: string, role: Role, handler: Handler) => void;

export interface RouterDeps {
  store: Store;
  sessions: Sessions;
  log: Logger;
  clock: () => number;
}

export function sendError(res: Response, err: unknown, log: Logger): void {
  if (err instanceof HttpError) return void res.send(err.status, { error: err.message, ...err.extra });
  if (err instanceof BadRequestError) return void res.send(err.status, { error: err.message });
  if (err instanceof ClaimConflictError) return void res.send(409, { error: 'someone else has taken this chat' });
  if (err instanceof NotAssigneeError) return void res.send(403, { error: 'only the person holding this chat can do that' });
  if (err instanceof IllegalTransitionError || err instanceof ConversationConflictError) return void res.send(409, { error: err.message });
  if (err instanceof ConversationNotFoundError) return void res.send(404, { error: 'no such conversation' });
  log.error({ err }, 'console request failed');
  res.send(500, { error: 'internal error' });
}

export function createRouter(server: Server, { store, sessions, log, clock }: RouterDeps): Route {
  return (method, path, role, handler) => {
    server[method](path, async (req: Request, res: Response) => {
      securityHeaders(res, API_CSP);
      try {
        const session = await sessions.get(req);
        if (!session) throw new HttpError(401, 'log in first');
        if (method !== 'get' && !Sessions.csrfValid(req, session)) throw new HttpError(403, 'missing or wrong X-CSRF-Token');
        if (RANK[session.user.role] < RANK[role]) throw new HttpError(403, `needs the ${role} role`);
        await store.putSession(PRESENCE_KEY, { at: clock() }, PRESENCE_SECONDS);
        await handler(req, res, session);
      } catch (err) {
        sendError(res, err, log);
      }
    });
  };
}
