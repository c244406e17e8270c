/**
 * Finding 4: her messages are limited per conversation (30 a minute) and per client (120 a minute across chats);
 * new chats per client address (20 a minute). Behind a trusted proxy the client is the address the proxy names in
 * X-Forwarded-For; without one, X-Forwarded-For is whatever the client wrote and is ignored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';

interface Chat {
  conversationId: string;
  token: string;
}

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(env: Record<string, string> = {}): Promise<string> {
  app = await buildTestApp(env);
  return `http://127.0.0.1:${(await app.listen()).port}`;
}

async function openChat(base: string, forwardedFor?: string): Promise<Chat> {
  const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  expect(res.status).toBe(201);
  return (await res.json()) as Chat;
}

function send(base: string, chat: Chat, text: string, forwardedFor?: string): Promise<Response> {
  return fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'u' } }),
  });
}

const generate = (base: string, forwardedFor?: string) =>
  fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }).then((r) => r.status);

describe('messages per conversation', () => {
  it('takes 30 a minute in one chat, then 429 (not stored), while another chat goes on', async () => {
    const base = await start();
    const chat = await openChat(base);
    for (let i = 0; i < 30; i++) expect([i, (await send(base, chat, `谢谢 ${i}`)).status]).toEqual([i, 200]);
    const refused = await send(base, chat, '第三十一条');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect((await app!.store.readMessages(chat.conversationId)).some((e) => e.text === '第三十一条')).toBe(false);
    // Refused, but still told the numbers when what she wrote is dangerous.
    const danger = await send(base, chat, '救命 他拿着刀要杀我');
    expect(danger.status).toBe(429);
    expect(((await danger.json()) as { emergency?: { text: string } }).emergency?.text).toMatch(/110/);
    const other = await openChat(base);
    expect((await send(base, other, '你好')).status).toBe(200);
  });
});

describe('messages per client', () => {
  it('takes 120 a minute from one address across chats, then 429 in a fresh chat too', async () => {
    const base = await start();
    const chats = [await openChat(base), await openChat(base), await openChat(base), await openChat(base)];
    for (const chat of chats) for (let i = 0; i < 30; i++) expect((await send(base, chat, `你好 ${i}`)).status).toBe(200);
    const fresh = await openChat(base);
    expect((await send(base, fresh, '你好')).status).toBe(429);
  });

  it('behind a trusted proxy, two clients have their own message budget', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const chats = [await openChat(base, '198.51.100.1'), await openChat(base, '198.51.100.1'), await openChat(base, '198.51.100.1'), await openChat(base, '198.51.100.1')];
    for (const chat of chats) for (let i = 0; i < 30; i++) expect((await send(base, chat, `你好 ${i}`, '198.51.100.1')).status).toBe(200);
    expect((await send(base, await openChat(base, '198.51.100.1'), '你好', '198.51.100.1')).status).toBe(429);
    expect((await send(base, await openChat(base, '198.51.100.2'), '你好', '198.51.100.2')).status).toBe(200);
  });
});

describe('new chats per client address', () => {
  it('with TRUSTED_PROXIES=127.0.0.1, two X-Forwarded-For clients get separate buckets', async () => {
    const base = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const a: number[] = [];
    for (let i = 0; i < 21; i++) a.push(await generate(base, '198.51.100.7'));
    expect(a.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(a[20]).toBe(429);
    // Another woman behind the same proxy is not blocked by the first one's bucket.
    expect(await generate(base, '198.51.100.8')).toBe(200);
    // The proxy appends the address it saw: a client cannot pick its bucket by writing one in front.
    expect(await generate(base, '10.9.9.9, 198.51.100.7')).toBe(429);
    expect(await generate(base, '198.51.100.7, 198.51.100.9')).toBe(200);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: every client shares the peer address bucket', async () => {
    const base = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push(await generate(base, `198.51.100.${i + 1}`));
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect(await generate(base, '203.0.113.50')).toBe(429);
    expect(await generate(base)).toBe(429);
    // The same for opening a chat without a token.
    expect((await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.51' } })).status).toBe(429);
  });
});
