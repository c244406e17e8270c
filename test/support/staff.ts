/** A staff member's side of the console API in tests: log in, then call with the cookie and CSRF token. */
import { expect } from 'vitest';

export interface Staff {
  cookie: string;
  csrf: string;
}

export function staffClient(base: () => string) {
  async function login(username: string, password: string): Promise<Staff> {
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
