/**
 * Several instances on one Redis: a user on instance A and an agent on instance B reach each other; and a
 * service killed with SIGKILL mid-conversation comes back with every message and the queue intact.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type App } from '../../src/app.js';
import { followEvents } from '../support/events.js';
import { RedisStore } from '../../src/store/redis.js';
import { buildTestApp } from '../support/app.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

const available = redisAvailable();
const SECRET = 'a-shared-secret-for-every-instance-0123456789';

async function json<T>(res: Response): Promise<T> {
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as T;
}

async function startChat(base: string): Promise<{ conversationId: string; token: string }> {
  return json(await fetch(`${base}/v3/directline/conversations`, { method: 'POST' }));
}

async function post(base: string, s: { conversationId: string; token: string }, text: string, client: string): Promise<void> {
  await json(
    await fetch(`${base}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'u' }, channelData: { clientActivityID: client } }),
    }),
  );
}

async function texts(base: string, s: { conversationId: string; token: string }): Promise<string[]> {
  const body = await json<{ activities: { text?: string }[] }>(
    await fetch(`${base}/v3/directline/conversations/${s.conversationId}/activities`, { headers: { authorization: `Bearer ${s.token}` } }),
  );
  return body.activities.map((a) => a.text ?? '');
}

describe.skipIf(!available)('instances sharing one Redis', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ appendonly: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('carries a chat between a user on instance A and an agent on instance B, both ways', async () => {
    const env = { REDIS_URL: server.url, TOKEN_SECRET: SECRET };
    const a: App = await buildTestApp(env, { staffAvailable: async () => true });
    const b: App = await buildTestApp(env, { staffAvailable: async () => true });
    try {
      const baseA = `http://127.0.0.1:${(await a.listen()).port}`;
      const s = await startChat(baseA);
      await post(baseA, s, '转人工', 'c1');
      expect((await b.handoff.queue()).map((q) => q.conversationId)).toContain(s.conversationId);
      await b.handoff.claim(s.conversationId, { name: 'li', displayName: '李老师', publicId: 'staff-li' });

      // Following before she writes, as a console is.
      const events = await followEvents(b.store);
      await post(baseA, s, '我在家里很害怕', 'c2');
      const event = await events.next((e) => e.type === 'message' && e.conversationId === s.conversationId && e.from === 'user');
      await events.stop();
      if (event.type !== 'message') throw new Error('expected a message event');
      expect((await b.store.readMessages(s.conversationId, event.seq - 1, 1))[0]?.text).toBe('我在家里很害怕');

      await b.handoff.agentMessage(s.conversationId, { name: 'li', displayName: '李老师', publicId: 'staff-li' }, '我在这里，你现在安全吗？');
      const shown = await texts(baseA, s);
      expect(shown).toContain('我在这里，你现在安全吗？');
      expect(shown.some((t) => t.includes('李老师'))).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('loses nothing when the service is killed mid-conversation and started again', async () => {
    const port = 40000 + Math.floor(Math.random() * 2000);
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, PORT: String(port), REDIS_URL: server.url, TOKEN_SECRET: SECRET, LOG_LEVEL: 'silent' };
    const start = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: PROJECT_ROOT, env, stdio: 'ignore' });
      for (let i = 0; i < 300; i++) {
        const ok = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false);
        if (ok) return child;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      throw new Error('service did not become ready');
    };

    let child = await start();
    const s = await startChat(base);
    await post(base, s, '怎么申请保护令', 'r1');
    await post(base, s, '他说如果我离婚就杀了我', 'r2');
    const before = await texts(base, s);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    child = await start();
    try {
      expect(await texts(base, s)).toEqual(before);
      await post(base, s, '谢谢', 'r3');
      const after = await texts(base, s);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after).toContain('谢谢');
      const store = new RedisStore({ url: server.url, retentionDays: 1 });
      expect((await store.getConversation(s.conversationId))?.risk).toBe('high');
      await store.close();
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
