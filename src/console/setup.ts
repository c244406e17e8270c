/**
 * The first run on the memory store: no account exists and the command line cannot reach the service's memory,
 * so the service prints a one-time setup link (a random token, valid until used) through which the first admin
 * creates her account in the console. She then adds the others there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { ClientInfo } from '../http/request.js';
import type { Logger } from '../log.js';
import type { StaffStore } from '../handoff/staff-store.js';
import { AccountError, addUser, checkNewAccount } from './accounts.js';
import { body, type PublicRoute } from './routes.js';

const YEAR_SECONDS = 365 * 86_400;
const ATTEMPTS = 10;
const WINDOW_SECONDS = 15 * 60;

const setupBody = z.object({
  token: z.string().min(1).max(200),
  name: z.string().max(64),
  displayName: z.string().trim().min(1, 'required').max(64),
  password: z.string().max(1024),
});

const tokenKey = (token: string) => `setup:${createHash('sha256').update(token).digest('hex')}`;

export interface SetupDeps {
  store: StaffStore;
  log: Logger;
  clock: () => number;
  /** How the first account is made here: a link (memory store) or the command line (Redis). */
  method: 'link' | 'cli';
  client: ClientInfo;
}

/** Creates the setup token when there is no account yet; returns it, to be printed once on start. */
export async function prepareFirstRun(store: StaffStore): Promise<string | undefined> {
  if ((await store.listUsers()).length) return undefined;
  const token = randomBytes(24).toString('base64url');
  await store.putSession(tokenKey(token), { purpose: 'first admin' }, YEAR_SECONDS);
  return token;
}

export function mountSetup(route: PublicRoute, { store, log, clock, method, client }: SetupDeps): void {
  // Tells the page whether to offer the setup form or to say how the first account is made.
  route('get', '/console/api/setup', async (_req, res) => {
    res.send(200, { needed: (await store.listUsers()).length === 0, method });
  });

  route('post', '/console/api/setup', async (req, res) => {
    if ((await store.incrementCounter(`setup:addr:${client.address(req)}`, WINDOW_SECONDS)) > ATTEMPTS) throw new HttpError(429, 'too many attempts; wait 15 minutes');
    const input = await body(req, setupBody);
    const key = tokenKey(input.token);
    if (method !== 'link' || (await store.getSession(key)) === undefined) throw new HttpError(403, 'this setup link is not valid');
    if ((await store.listUsers()).length) throw new HttpError(409, 'an account exists already; log in, or ask an admin');
    let user;
    try {
      checkNewAccount(input);
      // The link works once, even for two requests at the same moment.
      if (!(await store.markOnce(`${key}:used`, YEAR_SECONDS))) throw new HttpError(403, 'this setup link is not valid');
      user = await addUser(store, { name: input.name, displayName: input.displayName, role: 'admin', password: input.password }, clock());
    } catch (err) {
      if (err instanceof AccountError) throw new HttpError(400, err.message);
      throw err;
    }
    await store.deleteSession(key);
    await store.appendAudit({ at: clock(), actor: user.name, action: 'first_admin_created' });
    log.info({ event: 'first_admin_created' }, 'the first admin account was created through the setup link');
    res.send(201, { name: user.name, role: user.role });
  });
}
