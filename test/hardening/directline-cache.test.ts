/**
 * Finding 2: every Direct Line response says `Cache-Control: no-store`: tokens, her transcript and every refusal.
 * A shared computer's browser cache or a proxy must never keep a chat token or her words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { rawRequest, type RawRequest } from '../support/raw-http.js';

let app: App;
let base: string;

beforeAll(async () => {
  // Each chat from its own address (127.0.0.1 is a trusted proxy here), so the rate-limit test leaves the others be.
  app = await buildTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
});
afterAll(async () => {
  await app?.close();
});

interface Chat {
  conversationId: string;
  token: string;
}

let clients = 0;
async function openChat(): Promise<Chat> {
  const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { 'x-forwarded-for': `203.0.113.${++clients}` } });
  expect(res.status).toBe(201);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Chat;
}

function noStore(cacheControl: string | string[] | undefined): boolean {
  return String(cacheControl ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes('no-store');
}

describe('Direct Line responses are never cached', () => {
  it('on every success: generate, conversations, reconnect, activities GET and POST, typing, refresh', async () => {
    const chat = await openChat();
    const auth = { authorization: `Bearer ${chat.token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const path = `/v3/directline/conversations/${chat.conversationId}`;
    const requests: [RawRequest, number][] = [
      [{ method: 'POST', path: '/v3/directline/tokens/generate' }, 200],
      [{ method: 'POST', path: '/v3/directline/conversations' }, 201],
      [{ method: 'POST', path: '/v3/directline/conversations', headers: auth }, 201],
      [{ method: 'GET', path, headers: auth }, 200],
      [{ method: 'GET', path: `${path}/activities`, headers: auth }, 200],
      [{ method: 'GET', path: `${path}/activities?watermark=1`, headers: auth }, 200],
      [{ method: 'POST', path: `${path}/activities`, headers: json, body: JSON.stringify({ type: 'message', text: '你好', from: { id: 'u' } }) }, 200],
      [{ method: 'POST', path: `${path}/activities`, headers: json, body: JSON.stringify({ type: 'typing', from: { id: 'u' } }) }, 200],
      [{ method: 'POST', path: '/v3/directline/tokens/refresh', headers: auth }, 200],
    ];
    for (const [request, status] of requests) {
      const res = await rawRequest(base, request);
      expect([request.method, request.path, res.status, res.headers['cache-control']]).toEqual([request.method, request.path, status, 'no-store']);
    }
  });

  it('on every refusal of a Direct Line route: 400, 401, 403, 413, 415, 429', async () => {
    const chat = await openChat();
    const other = await openChat();
    const path = `/v3/directline/conversations/${chat.conversationId}`;
    const json = { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' };
    const requests: [RawRequest, number][] = [
      [{ method: 'GET', path: `${path}/activities` }, 401],
      [{ method: 'GET', path: `${path}/activities`, headers: { authorization: 'Bearer forged.token' } }, 403],
      [{ method: 'GET', path: `/v3/directline/conversations/${other.conversationId}/activities`, headers: { authorization: `Bearer ${chat.token}` } }, 403],
      [{ method: 'POST', path: '/v3/directline/tokens/refresh' }, 401],
      [{ method: 'POST', path: '/v3/directline/tokens/refresh', headers: { authorization: 'Bearer x.y' } }, 403],
      [{ method: 'GET', path }, 401],
      [{ method: 'POST', path: `${path}/activities`, headers: json, body: '{"type":' }, 400],
      [{ method: 'POST', path: `${path}/activities`, headers: json, body: '{"type":"invoke","from":{"id":"u"}}' }, 400],
      [{ method: 'POST', path: `${path}/activities`, headers: { ...json, 'content-type': 'text/plain' }, body: '{}' }, 415],
      [{ method: 'POST', path: `${path}/activities`, headers: { ...json, 'content-encoding': 'gzip' }, body: 'x' }, 415],
      [{ method: 'POST', path: `${path}/activities`, headers: json, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) }, 413],
    ];
    for (const [request, status] of requests) {
      const res = await rawRequest(base, request);
      expect([request.method, request.path, res.status, res.headers['cache-control']]).toEqual([request.method, request.path, status, 'no-store']);
    }
    // Rate limited: new chats from this address until the limit answers 429.
    let limited;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await rawRequest(base, { method: 'POST', path: '/v3/directline/tokens/generate', headers: { 'x-forwarded-for': '192.0.2.77' } });
      expect(noStore(res.headers['cache-control'])).toBe(true);
      if (res.status === 429) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers['cache-control']).toBe('no-store');
  });

  it('on what restify answers itself under /v3/directline: an unknown path (404) and a wrong method (405)', async () => {
    const chat = await openChat();
    const auth = { authorization: `Bearer ${chat.token}` };
    const requests: RawRequest[] = [
      { method: 'GET', path: '/v3/directline/tokens/generate' },
      { method: 'DELETE', path: `/v3/directline/conversations/${chat.conversationId}`, headers: auth },
      { method: 'PUT', path: `/v3/directline/conversations/${chat.conversationId}/activities`, headers: auth },
      { method: 'GET', path: `/v3/directline/conversations/${chat.conversationId}/stream`, headers: auth },
      { method: 'POST', path: `/v3/directline/conversations/${chat.conversationId}/upload`, headers: auth },
    ];
    const seen: [string, string, number, string | null][] = [];
    for (const request of requests) {
      const res = await rawRequest(base, request);
      expect(res.status).toBeGreaterThanOrEqual(400);
      seen.push([request.method, request.path.replace(chat.conversationId, ':id'), res.status, (res.headers['cache-control'] as string | undefined) ?? null]);
    }
    expect(seen).toEqual(seen.map(([m, p, s]) => [m, p, s, 'no-store']));
  });
});
