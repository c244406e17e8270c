/** Staff accounts: created from the command line, the first-run setup link or by an admin; no default user, no default password. */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role, type User } from '../core/record.js';
import type { StaffStore } from '../handoff/staff-store.js';
import { hashPassword, weakPassword } from './passwords.js';

export { ROLES, type Role };

export class AccountError extends Error {
  override name = 'AccountError';
}

const accountName = z.string().regex(/^[a-z][a-z0-9._-]{1,31}$/, 'a login name is 2-32 lower-case letters, digits, . _ -');

/** Checks a new account's name and password; returns the name as stored. */
export function checkNewAccount(input: { name: string; password: string }): string {
  const name = accountName.safeParse(input.name);
  if (!name.success) throw new AccountError(name.error.issues[0]!.message);
  const weak = weakPassword(input.password);
  if (weak) throw new AccountError(weak);
  return name.data;
}

/** The id she sees on a staff member's messages: random, so that it tells nothing of the login name. */
export function newPublicId(): string {
  return `staff-${randomBytes(8).toString('hex')}`;
}

export async function addUser(store: StaffStore, input: { name: string; role: Role; password: string; displayName?: string | undefined }, now = Date.now()): Promise<User> {
  const name = checkNewAccount(input);
  if (await store.getUser(name)) throw new AccountError(`a user named ${name} exists already`);
  const user: User = {
    name,
    displayName: input.displayName?.trim() || name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    publicId: newPublicId(),
  };
  await store.putUser(user);
  return user;
}

/** A one-time link for a new password (valid a day, once): shown to an admin, who passes it on by a safe way. */
export const RESET_SECONDS = 24 * 3600;
export const resetKey = (token: string) => `reset:${createHash('sha256').update(token).digest('hex')}`;

export async function createResetLink(store: StaffStore, name: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await store.putSession(resetKey(token), { name }, RESET_SECONDS);
  return `/console#reset=${token}`;
}

/** Disabling (or a role change, or a reset) ends every session of the account at once. */
export async function setDisabled(store: StaffStore, name: string, disabled: boolean, now: number): Promise<User> {
  const user = await store.getUser(name);
  if (!user) throw new AccountError(`no staff member named ${name}`);
  const next: User = disabled ? { ...user, disabled: true, sessionsValidFrom: now } : { ...user, disabled: false };
  await store.putUser(next);
  return next;
}
