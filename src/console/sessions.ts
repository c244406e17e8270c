/**
 * Staff sessions: a random id in an HttpOnly, SameSite=Strict cookie, an idle and an absolute expiry, and a
 * CSRF token that every write must echo in X-CSRF-Token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { Role, User } from '../core/record.js';
import type { ClientInfo } from '../http/request.js';
import type { StaffStore } from '../handoff/staff-store.js';

export const COOKIE = 'hl_console';
const IDLE_SECONDS = 30 * 60;
const ABSOLUTE_SECONDS = 12 * 3600;

export interface StaffSession {
  user: { name: string; displayName: string; role: Role; publicId: string };
  csrfToken: string;
  createdAt: number;
  /** REQUIRE_2FA and a supervisor or admin without it: the session may only set it up. */
  needsTwoFactor?: boolean;
}

function cookieValue(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export class Sessions {
  constructor(
    private readonly store: StaffStore,
    private readonly options: { secureCookie: boolean; client: ClientInfo; clock: () => number; require2fa?: boolean },
  ) {}

  /** Secure cookies when configured, and whenever the request came over HTTPS. */
  private secure(req: Request): string {
    return this.options.secureCookie || this.options.client.secure(req) ? '; Secure' : '';
  }

  async create(req: Request, res: Response, user: User): Promise<StaffSession> {
    const id = randomBytes(32).toString('base64url');
    const session: StaffSession = {
      user: { name: user.name, displayName: user.displayName, role: user.role, publicId: user.publicId ?? '' },
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: this.options.clock(),
      needsTwoFactor: Boolean(this.options.require2fa && user.role !== 'agent' && !user.totpSecret),
    };
    await this.store.putSession(`console:${id}`, session, IDLE_SECONDS);
    res.header('Set-Cookie', `${COOKIE}=${id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${ABSOLUTE_SECONDS}${this.secure(req)}`);
    return session;
  }

  /**
   * The session of the request, kept alive while used, or undefined once idle, too old, or void because the account
   * was disabled, changed role or had its password reset since (those end every session at once).
   */
  async get(req: Request): Promise<StaffSession | undefined> {
    const id = cookieValue(req, COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return undefined;
    const session = (await this.store.getSession(`console:${id}`)) as StaffSession | undefined;
    if (!session) return undefined;
    const age = (this.options.clock() - session.createdAt) / 1000;
    const user = await this.store.getUser(session.user.name);
    if (age > ABSOLUTE_SECONDS || !user || user.disabled || (user.sessionsValidFrom ?? 0) > session.createdAt || user.role !== session.user.role) {
      await this.store.deleteSession(`console:${id}`);
      return undefined;
    }
    session.user.displayName = user.displayName;
    session.user.publicId = user.publicId ?? '';
    session.needsTwoFactor = Boolean(this.options.require2fa && user.role !== 'agent' && !user.totpSecret);
    await this.store.putSession(`console:${id}`, session, Math.min(IDLE_SECONDS, Math.ceil(ABSOLUTE_SECONDS - age)));
    return session;
  }

  async destroy(req: Request, res: Response): Promise<void> {
    const id = cookieValue(req, COOKIE);
    if (id) await this.store.deleteSession(`console:${id}`);
    res.header('Set-Cookie', `${COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${this.secure(req)}`);
  }

  static csrfValid(req: Request, session: StaffSession): boolean {
    const given = Buffer.from(String(req.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(session.csrfToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
