/**
 * The console API's route guard: security headers, a session of at least the route's role, the CSRF token on
 * every write, staff presence, and errors as JSON `{error}` with the right status.
 */
import type { Request, Response, Server } from 'restify';
import type { z } from 'zod';
import { IllegalTransitionError } from '../core/conversation.js';
import type { Role } from '../core/record.js';
import { ConversationConflictError, ConversationNotFoundError } from '../handoff/conversations.js';
import type { Presence } from '../handoff/presence.js';
import { ClaimConflictError, NotAssigneeError } from '../handoff/service.js';
import { readBody } from '../http/body.js';
import { HttpError, sendError, type ErrorMapper } from '../http/errors.js';
import { API_CSP, HSTS, securityHeaders } from '../http/headers.js';
import type { ClientInfo } from '../http/request.js';
import type { Logger } from '../log.js';
import { Sessions, type StaffSession } from './sessions.js';

export const RANK: Record<Role, number> = { agent: 0, supervisor: 1, admin: 2 };
const MAX_BODY = 64 * 1024;
/** What a session that must first set up two-factor authentication may reach. */
const TWO_FACTOR_SETUP = /^\/console\/api\/(?:session|me\/2fa(?:\/confirm)?)$/;

/** Reads and validates a JSON body; a bad one is a 400 naming the field. */
export function body<T>(req: Request, schema: z.ZodType<T>, limit = MAX_BODY): Promise<T> {
  return readBody(req, schema, limit);
}

/** The handoff's refusals as the statuses a console shows. */
export const consoleErrors: ErrorMapper = (err) => {
  if (err instanceof ClaimConflictError) return new HttpError(409, 'someone else has taken this chat');
  if (err instanceof NotAssigneeError) return new HttpError(403, 'only the person holding this chat can do that');
  if (err instanceof IllegalTransitionError || err instanceof ConversationConflictError) return new HttpError(409, err.message);
  if (err instanceof ConversationNotFoundError) return new HttpError(404, 'no such conversation');
  return undefined;
};

export type Handler = (req: Request, res: Response, session: StaffSession) => Promise<void>;
export type Route = (method: 'get' | 'post' | 'put' | 'del', path: string, role: Role, handler: Handler) => void;
/** A route that needs no session (login, first-run setup). */
export type PublicRoute = (method: 'get' | 'post', path: string, handler: (req: Request, res: Response) => Promise<void>) => void;

export interface RouterDeps {
  sessions: Sessions;
  presence: Presence;
  client: ClientInfo;
  log: Logger;
}

/** Headers for every console response; HSTS once the request came over HTTPS. */
export function consoleHeaders(req: Request, res: Response, client: ClientInfo, csp = API_CSP): void {
  securityHeaders(res, csp);
  if (client.secure(req)) res.setHeader('Strict-Transport-Security', HSTS);
}

export function createPublicRouter(server: Server, { client, log }: Pick<RouterDeps, 'client' | 'log'>): PublicRoute {
  return (method, path, handler) => {
    server[method](path, async (req: Request, res: Response) => {
      consoleHeaders(req, res, client);
      try {
        await handler(req, res);
      } catch (err) {
        sendError(res, err, log, consoleErrors);
      }
    });
  };
}

export function createRouter(server: Server, { sessions, presence, client, log }: RouterDeps): Route {
  return (method, path, role, handler) => {
    server[method](path, async (req: Request, res: Response) => {
      consoleHeaders(req, res, client);
      try {
        const session = await sessions.get(req);
        if (!session) throw new HttpError(401, 'log in first');
        if (method !== 'get' && !Sessions.csrfValid(req, session)) throw new HttpError(403, 'missing or wrong X-CSRF-Token');
        if (RANK[session.user.role] < RANK[role]) throw new HttpError(403, `needs the ${role} role`);
        if (session.needsTwoFactor && !TWO_FACTOR_SETUP.test(path)) throw new HttpError(403, 'set up two-factor authentication first', { twoFactor: 'setup' });
        await presence.mark();
        await handler(req, res, session);
      } catch (err) {
        sendError(res, err, log, consoleErrors);
      }
    });
  };
}
