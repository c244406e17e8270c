import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TokenSigner } from '../../src/channels/tokens.js';
import { buildTestApp } from '../support/app.js';
import { flakyStore } from '../support/flaky-store.js';

let app: App;
let base: string;
const SECRET = 'test-secret-of-at-least-32-characters!!';

beforeAll(async () => {
  app = await buildTestApp({ TOKEN_SECRET: SECRET });
  base = `http://127.0.0.1:${(await app.listen()).port}/v3/directline`;
});
afterAll(async () => {
  await app.close();
});

interface Session {
  conversationId: string;
  token: string;
  expires_in: number;
}

async function start(): Promise<Session> {
  const res = await fetch(`${base}/conversations`, { method: 'POST' });
  expect(res.status).toBe(201);
  return (await res.json()) as Session;
}

function post(s: Session, body: unknown, token = s.token, id = s.conversationId) {
  return fetch(`${base}/conversations/${id}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function activities(s: Session, watermark?: string, token = s.token, id = s.conversationId) {
  const res = await fetch(`${base}/conversations/${id}/activities${watermark ? `?watermark=${watermark}` : ''}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { activities: Record<string, any>[]; watermark: string }) : undefined };
}

const message = (text: string, clientActivityID = `c-${Math.random()}`) => ({
  type: 'message',
  text,
  from: { id: 'dl_user' },
  locale: 'zh-CN',
  channelData: { clientActivityID },
});

describe('Direct Line v3', () => {
  it('starts a conversation with a token and a welcome', async () => {
    const s = await start();
    expect(s.expires_in).toBeGreaterThan(0);
    const { body } = await activities(s);
    expect(body!.activities[0]!.text).toMatch(/机器人/);
    expect(body!.watermark).toBe('1');
  });

  it('echoes her message with its clientActivityID, then the answer, by watermark', async () => {
    const s = await start();
    const res = await post(s, message('怎么申请人身安全保护令', 'client-1'));
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const { body } = await activities(s, '1');
    const [echo, answer] = body!.activities;
    expect(echo).toMatchObject({ id, text: '怎么申请人身安全保护令', from: { id: 'dl_user', role: 'user' }, channelData: { clientActivityID: 'client-1' } });
    expect(answer!.text).toMatch(/《反家庭暴力法》第23条/);
    expect(answer!.from.role).toBe('bot');
    const later = await activities(s, body!.watermark);
    expect(later.body).toEqual({ activities: [], watermark: body!.watermark });
  });

  it('shows the whole chat again from watermark 0 (a reload)', async () => {
    const s = await start();
    await post(s, message('你好'));
    await post(s, message('法律援助怎么申请'));
    const { body } = await activities(s);
    expect(body!.activities.map((a) => a.from.role)).toEqual(['bot', 'user', 'bot', 'user', 'bot']);
  });

  it('stores a retried message once', async () => {
    const s = await start();
    const first = (await (await post(s, message('谢谢', 'same'))).json()) as { id: string };
    const again = (await (await post(s, message('谢谢', 'same'))).json()) as { id: string };
    expect(again.id).toBe(first.id);
    const { body } = await activities(s);
    expect(body!.activities.filter((a) => a.text === '谢谢')).toHaveLength(1);
  });

  it('refuses a wrong, forged or expired token, and another chat with this token', async () => {
    const s = await start();
    const other = await start();
    expect((await activities(s, undefined, 'not-a-token')).status).toBe(403);
    expect((await activities(s, undefined, `${s.token.split('.')[0]}.forged`)).status).toBe(403);
    const expired = new TokenSigner(SECRET, 60, () => Date.now() - 3_600_000).issue(s.conversationId);
    expect((await activities(s, undefined, expired)).status).toBe(403);
    expect((await activities(s, undefined, s.token, other.conversationId)).status).toBe(403);
    expect((await post(s, message('hi'), s.token, other.conversationId)).status).toBe(403);
    expect((await fetch(`${base}/conversations/${s.conversationId}/activities`)).status).toBe(401);
  });

  it('refuses a 64 KB activity and malformed JSON with 400, storing nothing', async () => {
    const s = await start();
    const before = (await app.store.readMessages(s.conversationId)).length;
    expect((await post(s, message('字'.repeat(22_000)))).status).toBe(413);
    expect((await post(s, { ...message('x'), pad: 'a'.repeat(64 * 1024) })).status).toBe(413);
    expect((await post(s, '{"type": "message", ')).status).toBe(400);
    expect((await post(s, { type: 'message' })).status).toBe(400);
    expect((await app.store.readMessages(s.conversationId)).length).toBe(before);
  });

  it('refreshes a token for the same conversation', async () => {
    const s = await start();
    const res = await fetch(`${base}/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${s.token}` } });
    const refreshed = (await res.json()) as Session;
    expect(refreshed.conversationId).toBe(s.conversationId);
    expect((await activities(s, undefined, refreshed.token)).status).toBe(200);
  });

  it('generates tokens, rate-limited per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${base}/tokens/generate`, { method: 'POST' })).status);
    expect(statuses.slice(0, 5).every((x) => x === 200)).toBe(true);
    expect(statuses).toContain(429);
  });
});

describe('a reply the store could not keep', () => {
  it('answers her send with 503 and the emergency text, and her retry runs the turn again so the reply reaches her', async () => {
    let failBotWrites = 0;
    // The next bot reply fails to be written once (a Redis hiccup mid-turn).
    const store = flakyStore((entry) => entry.from === 'bot' && failBotWrites-- > 0);
    const flaky = await buildTestApp({ TOKEN_SECRET: SECRET }, { store });
    try {
      const url = `http://127.0.0.1:${(await flaky.listen()).port}/v3/directline`;
      const s = (await (await fetch(`${url}/conversations`, { method: 'POST' })).json()) as Session;
      const send = () =>
        fetch(`${url}/conversations/${s.conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(message('他拿着刀在砸门', 'the-same-send')),
        });
      failBotWrites = 1;
      const first = await send();
      expect(first.status).toBe(503);
      expect(((await first.json()) as { emergency: { text: string } }).emergency.text).toMatch(/110/);
      const retry = await send();
      expect(retry.status).toBe(200);
      const log = await flaky.store.readMessages(s.conversationId);
      expect(log.filter((e) => e.from === 'user')).toHaveLength(1);
      expect(log.some((e) => e.from === 'bot' && /110/.test(e.text ?? ''))).toBe(true);
      // A third send of the same message changes nothing: the turn has run.
      const count = log.length;
      expect((await send()).status).toBe(200);
      expect(await flaky.store.readMessages(s.conversationId)).toHaveLength(count);
    } finally {
      await flaky.close();
    }
  });
});
