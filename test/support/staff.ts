/** A staff member's side of the console API in tests: log in, then call with the cookie and CSRF token. */
import { expect } from 'vitest';
import { addUser } from '../../src/console/accounts.js';
import type { Store } from '../../src/store/store.js';

/** The colleagues the tests work with. */
export const STAFF = {
  li: { name: 'li', role: 'agent', password: 'correct horse battery', displayName: '李老师' },
  wang: { name: 'wang', role: 'agent', password: 'another long password', displayName: '王老师' },
  zhao: { name: 'zhao', role: 'supervisor', password: 'supervisor password 1', displayName: '赵主任' },
  sun: { name: 'sun', role: 'supervisor', password: 'supervisor password 2', displayName: '孙主任' },
  boss: { name: 'boss', role: 'admin', password: 'the admin password', displayName: '周律师' },
  chief: { name: 'chief', role: 'admin', password: 'the other admin password', displayName: '吴主任' },
} as const;
export type StaffName = keyof typeof STAFF;

export async function addStaff(store: Store, ...names: StaffName[]): Promise<void> {
  for (const name of names) await addUser(store, STAFF[name]);
}

/** The password of a colleague on the roster. */
export const passwordOf = (name: string): string => (STAFF as Record<string, { password: string }>)[name]?.password ?? '';

export interface Staff {
  cookie: string;
  csrf: string;
}

export function staffClient(base: () => string) {
  async function login(username: string, password = passwordOf(username)): Promise<Staff> {
    const res = await fetch(`${base()}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const body = (await res.json()) as { csrfToken: string; user: { name: string; role: string } };
    expect(body.user.name).toBe(username);
    return { cookie: cookie.split(';')[0]!, csrf: body.csrfToken };
  }

  function call(staff: Staff | undefined, method: string, path: string, body?: unknown, csrf = true) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (staff) headers.cookie = staff.cookie;
    if (staff && csrf) headers['x-csrf-token'] = staff.csrf;
    return fetch(`${base()}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  return { login, call };
}
