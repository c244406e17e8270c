/**
 * Redis restarts (its append-only file kept) in the middle of a chat that an agent holds: afterwards every
 * message that had been acknowledged is there, the agent still holds the chat, and both go on writing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

const available = redisAvailable();
const li = { name: 'li', displayName: '李老师', publicId: 'staff-li' };

interface Chat {
  conversationId: string;
  token: string;
}

describe.skipIf(!available)('a Redis restart while an agent holds the chat', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-restart-'));
  let redis: RedisServer;
  let app: App;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    redis = await startRedis({ dir, appendonly: true });
    app = await buildTestApp({ REDIS_URL: redis.url, TOKEN_SECRET: 'a-secret-of-at-least-32-characters!!', REDIS_COMMAND_TIMEOUT_MS: '300' }, { staffAvailable: async () => true });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (chat: Chat, text: string) =>
    fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'her' }, channelData: { clientActivityID: `c${++n}` } }),
    });

  it('keeps every acknowledged message and the hold, and the chat goes on both ways', async () => {
    const chat = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST' })).json()) as Chat;
    const acknowledged: string[] = [];
    for (const text of ['转人工', '他昨晚又打我了']) {
      expect((await send(chat, text)).status).toBe(200);
      acknowledged.push(text);
    }
    await app.handoff.claim(chat.conversationId, li);
    await app.handoff.agentMessage(chat.conversationId, li, '我在，你现在安全吗？');
    expect((await send(chat, '现在安全，他出去了')).status).toBe(200);
    acknowledged.push('现在安全，他出去了');

    await redis.stop();
    // Refused honestly while Redis is away: not acknowledged, so not counted as kept.
    expect((await send(chat, '你还在吗')).status).toBe(503);
    redis = await startRedis({ dir, appendonly: true });
    await expect.poll(() => fetch(`${base}/readyz`).then((r) => r.status), { timeout: 10_000 }).toBe(200);

    const log = await app.store.readMessages(chat.conversationId);
    expect(log.filter((e) => e.from === 'user').map((e) => e.text)).toEqual(acknowledged);
    expect(log.some((e) => e.from === 'agent' && e.text === '我在，你现在安全吗？')).toBe(true);
    expect((await app.conversations.get(chat.conversationId))?.state).toBe('agent');

    expect((await send(chat, '我想问问保护令')).status).toBe(200);
    await app.handoff.agentMessage(chat.conversationId, li, '好的，我来告诉你。');
    const after = await app.store.readMessages(chat.conversationId);
    expect(after.filter((e) => e.from === 'user').map((e) => e.text)).toEqual([...acknowledged, '我想问问保护令']);
    expect(after.at(-1)).toMatchObject({ from: 'agent', text: '好的，我来告诉你。' });
  });
});
