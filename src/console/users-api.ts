/**
 * Staff accounts in the console (admins): list, add, disable and enable, change a role, and a one-time password
 * reset link. Disabling, a role change and a reset end the account's sessions at once.
 */
import { z } from 'zod';
import { ROLES, type User } from '../core/record.js';
import { HttpError } from '../http/errors.js';
import type { StaffStore } from '../handoff/staff-store.js';
import { AccountError, addUser, createResetLink, RESET_SECONDS, resetKey } from './accounts.js';
import { hashPassword, weakPassword } from './passwords.js';
import { body, type PublicRoute, type Route } from './routes.js';


const newUser = z.object({ name: z.string(), displayName: z.string().max(64).optional(), role: z.enum(ROLES), password: z.string().max(1024) });
const roleBody = z.object({ role: z.enum(ROLES) });
const resetBody = z.object({ token: z.string().min(1).max(200), password: z.string().max(1024) });


export function userView(u: User) {
  return { name: u.name, displayName: u.displayName, role: u.role, createdAt: u.createdAt, disabled: u.disabled ?? false, twoFactor: Boolean(u.totpSecret) };
}

export interface UsersApiDeps {
  store: StaffStore;
  clock: () => number;
  /** Tells consoles that an account changed, so that a disabled colleague's page closes at once. */
  changed: (user: string) => Promise<void>;
}

export function mountUsersApi(route: Route, publicRoute: PublicRoute, { store, clock, changed }: UsersApiDeps): void {
  const audit = (actor: string, action: string, detail: string) => store.appendAudit({ at: clock(), actor, action, detail });

  async function existing(name: unknown): Promise<User> {
    const user = await store.getUser(String(name));
    if (!user) throw new HttpError(404, 'no such staff member');
    return user;
  }

  route('get', '/console/api/users', 'admin', async (_req, res) => {
    res.send(200, { items: (await store.listUsers()).map(userView) });
  });

  route('post', '/console/api/users', 'admin', async (req, res, session) => {
    const input = await body(req, newUser);
    try {
      const user = await addUser(store, input, clock());
      await audit(session.user.name, 'add_user', `${user.name} (${user.role})`);
      res.send(201, userView(user));
    } catch (err) {
      if (err instanceof AccountError) throw new HttpError(400, err.message);
      throw err;
    }
  });

  const update = async (actor: string, name: unknown, action: string, change: (u: User) => User) => {
    const user = await existing(name);
    if (user.name === actor && action !== 'enable_user') throw new HttpError(400, 'you cannot do this to your own account');
    const next = change(user);
    await store.putUser(next);
    await audit(actor, action, `${user.name}${next.role !== user.role ? ` ${user.role} -> ${next.role}` : ''}`);
    await changed(user.name);
    return next;
  };

  route('post', '/console/api/users/:name/disable', 'admin', async (req, res, session) => {
    const now = clock();
    res.send(200, userView(await update(session.user.name, req.params.name, 'disable_user', (u) => ({ ...u, disabled: true, sessionsValidFrom: now }))));
  });

  route('post', '/console/api/users/:name/enable', 'admin', async (req, res, session) => {
    res.send(200, userView(await update(session.user.name, req.params.name, 'enable_user', (u) => ({ ...u, disabled: false }))));
  });

  route('put', '/console/api/users/:name/role', 'admin', async (req, res, session) => {
    const { role } = await body(req, roleBody);
    const now = clock();
    res.send(200, userView(await update(session.user.name, req.params.name, 'change_role', (u) => ({ ...u, role, sessionsValidFrom: now }))));
  });

  // A one-time link for a new password: shown once to the admin, who passes it on by a safe way.
  route('post', '/console/api/users/:name/reset', 'admin', async (req, res, session) => {
    const user = await existing(req.params.name);
    const url = await createResetLink(store, user.name);
    await audit(session.user.name, 'reset_link', user.name);
    res.send(201, { url, expiresInSeconds: RESET_SECONDS });
  });

  publicRoute('post', '/console/api/reset', async (req, res) => {
    const input = await body(req, resetBody);
    const key = resetKey(input.token);
    const claim = (await store.getSession(key)) as { name?: string } | undefined;
    if (!claim?.name) throw new HttpError(403, 'this reset link is not valid');
    const weak = weakPassword(input.password);
    if (weak) throw new HttpError(400, `password: ${weak}`);
    // The link works once, even for two requests at the same moment.
    if (!(await store.markOnce(`${key}:used`, RESET_SECONDS))) throw new HttpError(403, 'this reset link is not valid');
    const user = await existing(claim.name);
    await store.putUser({ ...user, passwordHash: await hashPassword(input.password), sessionsValidFrom: clock() });
    await store.deleteSession(key);
    await audit(user.name, 'password_reset', user.name);
    await changed(user.name);
    res.send(200, { name: user.name });
  });
}
