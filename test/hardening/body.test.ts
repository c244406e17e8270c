/**
 * Finding 1: request bodies on /api/messages and the Direct Line POSTs go through one reader that takes JSON only,
 * no content encoding, a capped size and nesting, makes text well formed, and writes nothing to disk.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { botFrameworkKey } from '../../src/channels/recorder.js';
import { buildTestApp } from '../support/app.js';
import { bfActivity, startChannel, type FakeChannel } from '../support/channel.js';
import { multipart, rawRequest } from '../support/raw-http.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

interface Chat {
  conversationId: string;
  token: string;
}

let clients = 0;
/** A new chat from a new client address (the apps here trust 127.0.0.1 as a proxy), clear of the per-address limit. */
async function openChat(base: string): Promise<Chat> {
  const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { 'x-forwarded-for': `198.51.100.${++clients % 250}` } });
  expect(res.status).toBe(201);
  return (await res.json()) as Chat;
}

async function transcriptOf(base: string, chat: Chat): Promise<{ text?: string; from: { id: string; role?: string } }[]> {
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { activities: { type: string; text?: string; from: { id: string; role?: string } }[] }).activities.filter((a) => a.type === 'message');
}

const dlMessage = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'message', text, locale: 'zh-CN', from: { id: 'dl_user' }, ...extra });

/** `[[[...]]]` nested `levels` deep. */
const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('the one body reader, on the memory store', () => {
  let app: App;
  let base: string;
  let channel: FakeChannel;
  /** A fresh chat per request keeps clear of the per-conversation limits. */
  const endpoints: { name: string; limitBytes: number; path: () => Promise<{ path: string; headers: Record<string, string>; valid: () => unknown; limit: number }> }[] = [
    {
      name: '/api/messages',
      limitBytes: 256 * 1024,
      path: async () => ({
        path: '/api/messages',
        headers: {},
        valid: () => bfActivity(channel.url, `conv-${Math.random()}`, '你好'),
        limit: 256 * 1024,
      }),
    },
    {
      name: 'Direct Line activities',
      limitBytes: 64 * 1024,
      path: async () => {
        const chat = await openChat(base);
        return {
          path: `/v3/directline/conversations/${chat.conversationId}/activities`,
          headers: { authorization: `Bearer ${chat.token}` },
          valid: () => dlMessage('你好'),
          limit: 64 * 1024,
        };
      },
    },
  ];

  beforeAll(async () => {
    channel = await startChannel();
    // Many new chats: behind a trusted proxy each one names its own client address.
    app = await buildTestApp({ BOT_ALLOW_UNAUTHENTICATED: 'true', ALLOWED_SERVICE_URLS: channel.url, TRUSTED_PROXIES: '127.0.0.1' });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await channel?.close();
  });

  for (const endpoint of endpoints) {
    describe(endpoint.name, () => {
      it('accepts application/json (any case, with a charset)', async () => {
        for (const type of ['application/json', 'Application/JSON; charset=utf-8']) {
          const e = await endpoint.path();
          const res = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': type }, body: JSON.stringify(e.valid()) });
          expect([type, res.status]).toEqual([type, 200]);
        }
      });

      it('refuses every other media type with 415, and a missing one', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/json', 'application/jsonx', 'application/xml', undefined]) {
          const e = await endpoint.path();
          const headers: Record<string, string> = { ...e.headers };
          if (type) headers['content-type'] = type;
          const res = await rawRequest(base, { method: 'POST', path: e.path, headers, body: JSON.stringify(e.valid()) });
          expect([type, res.status]).toEqual([type, 415]);
        }
      });

      it('refuses multipart with 415 and writes nothing to the temp folder', async () => {
        const previous = process.env.TMPDIR;
        const privateTmp = mkdtempSync(join(tmpdir(), 'hardening-tmp-'));
        process.env.TMPDIR = privateTmp;
        try {
          expect(tmpdir()).toBe(privateTmp);
          const before = readdirSync(tmpdir());
          const e = await endpoint.path();
          const form = multipart({ activity: JSON.stringify(e.valid()) }, { name: 'upload', filename: 'evidence.jpg', content: Buffer.alloc(40 * 1024, 0xab), type: 'image/jpeg' });
          const res = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': form.contentType }, body: form.body });
          expect(res.status).toBe(415);
          // A second one, streamed in chunks without a length.
          const chunked = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': form.contentType }, body: form.body, chunked: true });
          expect(chunked.status).toBe(415);
          expect(readdirSync(tmpdir())).toEqual(before);
        } finally {
          if (previous === undefined) delete process.env.TMPDIR;
          else process.env.TMPDIR = previous;
          rmSync(privateTmp, { recursive: true, force: true });
        }
      });

      it('refuses any Content-Encoding with 415, a gzip bomb included', async () => {
        const bomb = gzipSync(Buffer.from(`{"type":"message","text":"${'a'.repeat(20 * 1024 * 1024)}"}`));
        const cases: [string, Buffer][] = [
          ['gzip', gzipSync(Buffer.from(JSON.stringify((await endpoint.path()).valid())))],
          ['GZIP', gzipSync(Buffer.from(JSON.stringify((await endpoint.path()).valid())))],
          ['deflate', deflateSync(Buffer.from(JSON.stringify((await endpoint.path()).valid())))],
          ['br', Buffer.from('not really brotli')],
          ['identity, gzip', gzipSync(Buffer.from('{}'))],
          ['gzip', bomb],
        ];
        for (const [encoding, body] of cases) {
          const e = await endpoint.path();
          const res = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': 'application/json', 'content-encoding': encoding }, body });
          expect([encoding, res.status]).toEqual([encoding, 415]);
        }
      });

      it('caps the bytes: 413 whether the length is declared or the body is chunked', async () => {
        const e = await endpoint.path();
        const big = JSON.stringify({ ...(e.valid() as object), pad: 'x'.repeat(e.limit) });
        const declared = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': 'application/json' }, body: big });
        expect(declared.status).toBe(413);
        const e2 = await endpoint.path();
        const chunked = await rawRequest(base, { method: 'POST', path: e2.path, headers: { ...e2.headers, 'content-type': 'application/json' }, body: big, chunked: true });
        expect(chunked.status).toBe(413);
        // A lying Content-Length smaller than the body: never more than the limit is read, nothing crashes.
        const e3 = await endpoint.path();
        const huge = await rawRequest(base, { method: 'POST', path: e3.path, headers: { ...e3.headers, 'content-type': 'application/json' }, body: 'x'.repeat(4 * e.limit), chunked: true });
        expect(huge.status).toBe(413);
      });

      it('after a 413 mid-body, the same keep-alive connection answers the next request at once', async () => {
        // A client (or proxy) that streams a body without a length and reuses its connection, as browsers and
        // proxies do: the refusal must not leave the connection stuck on the unread rest of the body.
        const one = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (const big of ['x'.repeat(2 * endpoint.limitBytes), JSON.stringify({ pad: 'y'.repeat(endpoint.limitBytes) })]) {
            const e = await endpoint.path();
            const refused = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': 'application/json' }, body: big, chunked: true, connection: one });
            expect(refused.status).toBe(413);
            const e2 = await endpoint.path();
            const started = Date.now();
            const next = await rawRequest(base, { method: 'POST', path: e2.path, headers: { ...e2.headers, 'content-type': 'application/json' }, body: JSON.stringify(e2.valid()), connection: one, timeoutMs: 3000 }).catch((err: Error) => ({ status: 0, error: err.message }));
            expect({ status: next.status, slow: Date.now() - started > 2000 }).toEqual({ status: 200, slow: false });
          }
        } finally {
          one.destroy();
        }
      });

      it('refuses nesting deeper than 32 with 400; 32 is fine; brackets inside strings do not count', async () => {
        const e = await endpoint.path();
        // The activity object is level 1, so a value 31 arrays deep makes 32 levels in all.
        const ok = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...(e.valid() as object), value: nested(31) }) });
        expect(ok.status).toBe(200);
        const e2 = await endpoint.path();
        const deep = await rawRequest(base, { method: 'POST', path: e2.path, headers: { ...e2.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...(e2.valid() as object), value: nested(32) }) });
        expect(deep.status).toBe(400);
        expect(deep.body).toMatch(/nested deeper than 32/);
        const e3 = await endpoint.path();
        const bomb = await rawRequest(base, { method: 'POST', path: e3.path, headers: { ...e3.headers, 'content-type': 'application/json' }, body: '['.repeat(60_000) });
        expect(bomb.status).toBe(400);
        const e4 = await endpoint.path();
        const inString = await rawRequest(base, { method: 'POST', path: e4.path, headers: { ...e4.headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...(e4.valid() as object), text: `${'['.repeat(40)} "\\" ${'{'.repeat(40)}` }) });
        expect(inString.status).toBe(200);
      });

      it('refuses bad JSON with 400 and never echoes a stack', async () => {
        for (const body of ['{"type": "message", ', 'null', '"just a string"', '{"type":"message"}}', '\u0000']) {
          const e = await endpoint.path();
          const res = await rawRequest(base, { method: 'POST', path: e.path, headers: { ...e.headers, 'content-type': 'application/json' }, body });
          expect([body, res.status]).toEqual([body, 400]);
          expect(res.body).not.toMatch(/at .*\.(ts|js):\d+|SyntaxError|TypeError/);
        }
      });
    });
  }

  it('Direct Line: a lone surrogate (in text and in a key) is stored and shown well formed', async () => {
    const chat = await openChat(base);
    // JSON.stringify writes lone surrogates as \ud800 escapes: valid JSON, invalid text.
    const body = JSON.stringify({ ...dlMessage('我想问\ud800保护令\udfff'), channelData: { clientActivityID: 'c-\udc00', ['k\ud800']: 1 } });
    expect(body).toContain('\\ud800');
    const res = await rawRequest(base, { method: 'POST', path: `/v3/directline/conversations/${chat.conversationId}/activities`, headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const stored = await app.store.readMessages(chat.conversationId);
    const mine = stored.find((e) => e.from === 'user')!;
    expect(mine.text).toBe('我想问\ufffd保护令\ufffd');
    expect(JSON.stringify(mine.activity).isWellFormed()).toBe(true);
    const shown = (await transcriptOf(base, chat)).find((a) => a.from.role === 'user')!;
    expect(shown.text).toBe('我想问\ufffd保护令\ufffd');
  });

  it('Direct Line: bytes that are not UTF-8 become U+FFFD, not a crash', async () => {
    const chat = await openChat(base);
    const body = Buffer.concat([Buffer.from('{"type":"message","from":{"id":"u"},"text":"a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b"}')]);
    const res = await rawRequest(base, { method: 'POST', path: `/v3/directline/conversations/${chat.conversationId}/activities`, headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const mine = (await app.store.readMessages(chat.conversationId)).find((e) => e.from === 'user')!;
    expect(mine.text!.isWellFormed()).toBe(true);
    expect(mine.text).toMatch(/^a\ufffd+b$/);
  });

  it('/api/messages: a lone surrogate is stored well formed and the bot still answers', async () => {
    channel.received.length = 0;
    const conversation = 'conv-surrogate';
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bfActivity(channel.url, conversation, '怎么申请\ud800人身安全保护令')) });
    expect(res.status).toBe(200);
    const log = await app.transcript.read(botFrameworkKey('test', conversation));
    expect(log[0]).toMatchObject({ from: 'user', text: '怎么申请\ufffd人身安全保护令' });
    expect(log.every((e) => JSON.stringify(e).isWellFormed())).toBe(true);
    expect(channel.received.length).toBeGreaterThan(0);
  });
});

const available = redisAvailable();

describe.skipIf(!available)('lone surrogates over Redis', () => {
  let server: RedisServer;
  let app: App;
  let base: string;

  beforeAll(async () => {
    server = await startRedis();
    app = await buildTestApp({ REDIS_URL: server.url, TOKEN_SECRET: 'a-secret-for-the-hardening-tests-0123456789', TRUSTED_PROXIES: '127.0.0.1' });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  const post = (chat: Chat, text: string) =>
    fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(dlMessage(text)),
    });

  it('takes a message with a lone surrogate (200) and stores it', async () => {
    const chat = await openChat(base);
    const res = await post(chat, '你好\ud800我想咨询');
    expect(res.status).toBe(200);
    const stored = await app.store.readMessages(chat.conversationId);
    expect(stored.some((e) => e.from === 'user' && e.text === '你好\ufffd我想咨询')).toBe(true);
    const shown = await transcriptOf(base, chat);
    expect(shown.some((a) => a.from.role === 'user' && a.text === '你好\ufffd我想咨询')).toBe(true);
    expect(shown.some((a) => a.from.role === 'bot')).toBe(true);
  });

  it('still gives the emergency reply (110) to a dangerous message with a lone surrogate', async () => {
    for (const text of ['救命 他拿着刀要杀我\ud800', '救命\udfff 他拿着刀要杀我', 'help \ud800 he has a knife and says he will kill me now']) {
      const chat = await openChat(base);
      const res = await post(chat, text);
      expect([text, res.status]).toEqual([text, 200]);
      const shown = await transcriptOf(base, chat);
      const replies = shown.slice(shown.findIndex((a) => a.from.role === 'user') + 1).filter((a) => a.from.role !== 'user');
      expect([text, replies.some((a) => /110/.test(a.text ?? ''))]).toEqual([text, true]);
    }
  });
});
