/** 1,000 concurrent claims of one chat on Redis from two processes: exactly one agent wins. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { Conversations, queuePut } from '../../src/handoff/conversations.js';
import { RedisStore } from '../../src/store/redis.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

const available = redisAvailable();

function worker(url: string, prefix: string, id: string, who: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/claim-worker.ts', url, prefix, id, '500', who], { cwd: PROJECT_ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out.trim()) as { wins: number }).wins) : reject(new Error(`worker exited ${code}`))));
  });
}

describe.skipIf(!available)('claims on Redis across processes', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lets exactly one of 1,000 concurrent claims from two processes win', async () => {
    const prefix = 'race:';
    const store = new RedisStore({ url: server.url, retentionDays: 1, keyPrefix: prefix });
    const conversations = new Conversations(store);
    await conversations.mutate('chat', (r) => {
      const next = { ...r, state: 'queued' as const, risk: 'imminent' as const, waitingSince: Date.now() };
      return { next, queue: queuePut(next) };
    });
    const wins = await Promise.all([worker(server.url, prefix, 'chat', 'a'), worker(server.url, prefix, 'chat', 'b')]);
    expect(wins[0]! + wins[1]!).toBe(1);
    expect(await store.listQueue()).toEqual([]);
    expect((await store.getConversation('chat'))?.state).toBe('agent');
    await store.close();
  }, 120_000);
});
