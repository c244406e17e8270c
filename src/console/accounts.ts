/** Staff accounts: created from the command line (or, later, by an admin); no default user, no default password. */
import { z } from 'zod';
import type { Store, User } from '../store/store.js';
import { hashPassword, weakPassword } from './passwords.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export class AccountError extends Error {
  override name = 'AccountError';
}

const accountName = z.string().regex(/^[a-z][a-z0-9._-]{1,31}$/, 'a login name is 2-32 lower-case letters, digits, . _ -');

export async function addUser(store: Store, input: { name: string; role: Role; password: string; displayName?: string }, now = Date.now()): Promise<User> {
  const name = accountName.safeParse(input.name);
  if (!name.success) throw new AccountError(name.error.issues[0]!.message);
  const weak = weakPassword(input.password);
  if (weak) throw new AccountError(weak);
  if (await store.getUser(name.data)) throw new AccountError(`a user named ${name.data} exists already`);
  const user: User = {
    name: name.data,
    displayName: input.displayName?.trim() || name.data,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    createdAt: now,
  };
  await store.putUser(user);
  return user;
}
