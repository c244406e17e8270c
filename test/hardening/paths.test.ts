/**
 * Finding 7: names that are properties of every JavaScript object (`__proto__`, `constructor`, ...) are just names
 * that are not there: a 404 without a stack or a TypeError, on the static files and on the API's names alike; and an
 * unknown route is a plain 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { rawRequest } from '../support/raw-http.js';
import { addStaff, staffClient } from '../support/staff.js';

let app: App;
let base: string;
const { login, call } = staffClient(() => base);

beforeAll(async () => {
  app = await buildTestApp({}, { sleep: async () => undefined });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  await addStaff(app.store, 'boss');
});
afterAll(async () => {
  await app?.close();
});

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '%5F%5Fproto%5F%5F'];
/** What a stack trace or an internal error looks like in a body. */
const LEAK = /TypeError|ReferenceError|RangeError|at [\w.<>]+ \(|node:internal|node_modules|\.[jt]s:\d+|"stack"|Cannot read prop/;

describe('object property names in paths', () => {
  it('GET /widget/__proto__, /widget/constructor, /console/static/__proto__ and friends are 404 with no stack', async () => {
    for (const prefix of ['/widget/', '/console/static/']) {
      for (const name of PROTO_NAMES) {
        const res = await rawRequest(base, { method: 'GET', path: `${prefix}${name}` });
        expect([prefix + name, res.status]).toEqual([prefix + name, 404]);
        expect(res.body).not.toMatch(LEAK);
      }
    }
  });

  it('the API treats them as names that do not exist, for an admin too', async () => {
    const boss = await login('boss');
    for (const name of PROTO_NAMES) {
      const requests: [string, string, unknown?][] = [
        ['GET', `/faq/${name}`],
        ['GET', `/faq/${name}/versions`],
        ['GET', `/faq/${name}/diff?from=0&to=0`],
        ['PUT', `/faq/${name}`, { version: 0 }],
        ['POST', `/faq/${name}/preview`, {}],
        ['GET', `/conversations/${name}`],
        ['POST', `/conversations/${name}/claim`],
        ['POST', `/conversations/${name}/notes`, { text: 'x' }],
        ['POST', `/conversations/${name}/resolve`, { outcome: 'referred_court' }],
        ['POST', `/users/${name}/disable`],
        ['PUT', `/users/${name}/role`, { role: 'agent' }],
        ['POST', `/users/${name}/reset`],
        ['POST', '/conversations/x/transfer', { to: name }],
      ];
      for (const [method, path, body] of requests) {
        const res = await call(boss, method, path, body);
        const text = await res.text();
        expect([method, path, res.status >= 400 && res.status < 500]).toEqual([method, path, true]);
        expect(text).not.toMatch(LEAK);
      }
    }
    // Direct Line with such an id: refused, not crashed.
    const res = await rawRequest(base, { method: 'GET', path: '/v3/directline/conversations/__proto__/activities', headers: { authorization: 'Bearer __proto__.constructor' } });
    expect(res.status).toBe(403);
    expect(res.body).not.toMatch(LEAK);
  });
});

describe('unknown routes', () => {
  it('are a 404 with no stack, no TypeError and no internals', async () => {
    for (const path of ['/nope', '/console/api/nope', '/v3/directline/nope', '/widget', '/console/static', '/api', '//etc/passwd', '/%00', '/console/..%2f..%2fpackage.json', '/.env', '/src/app.ts']) {
      const res = await rawRequest(base, { method: 'GET', path });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toMatch(LEAK);
      expect(res.body.length).toBeLessThan(500);
    }
  });

  it('are plain: the requested path is not echoed back, and the usual headers are set', async () => {
    const results: { path: string; echoed: boolean; nosniff: boolean }[] = [];
    for (const path of ['/nope-ECHO-MARKER', '/console/api/ECHO-MARKER', '/ECHO-MARKER/<script>alert(1)</script>']) {
      const res = await rawRequest(base, { method: 'GET', path });
      expect(res.status).toBe(404);
      results.push({ path, echoed: res.body.includes('ECHO-MARKER'), nosniff: res.headers['x-content-type-options'] === 'nosniff' });
    }
    expect(results).toEqual(results.map((r) => ({ path: r.path, echoed: false, nosniff: true })));
  });
});
