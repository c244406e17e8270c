/**
 * Finding 8: behind a trusted proxy that says the client came over HTTPS (X-Forwarded-Proto: https), the console's
 * session cookie is Secure and responses carry Strict-Transport-Security; from anyone else the same header changes
 * nothing (no Secure cookie that a plain-HTTP deployment would then lose, no HSTS planted by a client).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { addStaff, passwordOf } from '../support/staff.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(env: Record<string, string>): Promise<string> {
  app = await buildTestApp(env, { sleep: async () => undefined });
  await addStaff(app.store, 'li');
  return `http://127.0.0.1:${(await app.listen()).port}`;
}

const HTTPS = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' };

async function loginOver(base: string, headers: Record<string, string>): Promise<{ res: RawResponse; cookie: string; csrf: string }> {
  const res = await rawRequest(base, {
    method: 'POST',
    path: '/console/api/session',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'li', password: passwordOf('li') }),
  });
  expect(res.status).toBe(200);
  const setCookie = String(res.headers['set-cookie'] ?? '');
  return { res, cookie: setCookie.split(';')[0]!, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

const secureFlag = (setCookie: unknown) => /;\s*Secure(;|$)/i.test(String(setCookie ?? ''));

describe('behind a trusted proxy that says https', () => {
  it('sets the session cookie Secure and sends HSTS on the console API, logout included', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const { res, cookie, csrf } = await loginOver(base, HTTPS);
    expect(secureFlag(res.headers['set-cookie'])).toBe(true);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    for (const path of ['/console/api/session', '/console/api/queue', '/console/api/conversations/held']) {
      const r = await rawRequest(base, { method: 'GET', path, headers: { ...HTTPS, cookie } });
      expect([path, r.status, r.headers['strict-transport-security'] !== undefined]).toEqual([path, 200, true]);
    }
    // A refusal over HTTPS carries it too.
    const refused = await rawRequest(base, { method: 'GET', path: '/console/api/queue', headers: HTTPS });
    expect(refused.status).toBe(401);
    expect(refused.headers['strict-transport-security']).toBeDefined();
    const out = await rawRequest(base, { method: 'DELETE', path: '/console/api/session', headers: { ...HTTPS, cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(secureFlag(out.headers['set-cookie'])).toBe(true);
    expect(out.headers['strict-transport-security']).toBeDefined();
  });

  it('sends HSTS with the console page and its files, where the browser first arrives', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const seen: [string, number, boolean][] = [];
    for (const path of ['/console', '/console/static/console.js', '/console/static/console.css']) {
      const r = await rawRequest(base, { method: 'GET', path, headers: HTTPS });
      seen.push([path, r.status, r.headers['strict-transport-security'] !== undefined]);
    }
    expect(seen).toEqual(seen.map(([p]) => [p, 200, true]));
  });

  it('sends HSTS with the widget page and Direct Line, where she arrives', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const seen: [string, number, boolean][] = [];
    for (const [method, path] of [['GET', '/'], ['GET', '/widget/widget.js'], ['POST', '/v3/directline/conversations']] as const) {
      const r = await rawRequest(base, { method, path, headers: HTTPS });
      seen.push([path, r.status, r.headers['strict-transport-security'] !== undefined]);
    }
    expect(seen).toEqual(seen.map(([p, s]) => [p, s, true]));
  });

  it('trusts only what the proxy says: X-Forwarded-Proto http means plain HTTP', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const { res } = await loginOver(base, { 'x-forwarded-proto': 'http' });
    expect(secureFlag(res.headers['set-cookie'])).toBe(false);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('without a trusted proxy', () => {
  it('ignores X-Forwarded-Proto: no Secure cookie, no HSTS, anywhere', async () => {
    const base = await start({});
    const { res, cookie } = await loginOver(base, HTTPS);
    expect(secureFlag(res.headers['set-cookie'])).toBe(false);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    for (const path of ['/console/api/queue', '/console', '/console/static/console.js', '/']) {
      const r = await rawRequest(base, { method: 'GET', path, headers: { ...HTTPS, cookie } });
      expect([path, r.status, r.headers['strict-transport-security']]).toEqual([path, 200, undefined]);
    }
  });

  it('with a proxy trusted but the request from elsewhere, the header changes nothing either', async () => {
    const base = await start({ TRUSTED_PROXIES: '10.0.0.1' });
    const { res } = await loginOver(base, HTTPS);
    expect(secureFlag(res.headers['set-cookie'])).toBe(false);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
