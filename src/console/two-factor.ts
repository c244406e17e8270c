/**
 * Time-based one-time passwords (RFC 6238, with otpauth) for staff who want them, and for admins and supervisors
 * when REQUIRE_2FA=true: then a session of theirs without it can do nothing but set it up.
 */
import { Secret, TOTP } from 'otpauth';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { StaffStore } from '../handoff/staff-store.js';
import { body, type Route } from './routes.js';

const PENDING_SECONDS = 10 * 60;

function totp(name: string, secret: string): TOTP {
  return new TOTP({ issuer: 'Hotline console', label: name, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** Whether a code is right for the secret now (a step either way allows for a clock a little off). */
export function codeValid(name: string, secret: string, code: string | undefined): boolean {
  if (!code || !/^\d{6}$/.test(code)) return false;
  return totp(name, secret).validate({ token: code, window: 1 }) !== null;
}

const confirm = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });

export function mountTwoFactor(route: Route, { store, clock }: { store: StaffStore; clock: () => number }): void {
  // A new secret, shown once for her authenticator app; it counts only after a code from it is confirmed.
  route('post', '/console/api/me/2fa', 'agent', async (_req, res, session) => {
    const secret = new Secret({ size: 20 }).base32;
    await store.putSession(`2fa-pending:${session.user.name}`, { secret }, PENDING_SECONDS);
    res.send(201, { secret, uri: totp(session.user.name, secret).toString() });
  });

  route('post', '/console/api/me/2fa/confirm', 'agent', async (req, res, session) => {
    const { code } = await body(req, confirm);
    const pending = (await store.getSession(`2fa-pending:${session.user.name}`)) as { secret?: string } | undefined;
    if (!pending?.secret) throw new HttpError(409, 'start the set-up again: it expired');
    if (!codeValid(session.user.name, pending.secret, code)) throw new HttpError(400, 'code: not the code the app shows now', { field: 'code' });
    const user = await store.getUser(session.user.name);
    if (!user) throw new HttpError(404, 'no such staff member');
    await store.putUser({ ...user, totpSecret: pending.secret });
    await store.deleteSession(`2fa-pending:${session.user.name}`);
    await store.appendAudit({ at: clock(), actor: user.name, action: '2fa_enabled' });
    res.send(200, { twoFactor: true });
  });
}
