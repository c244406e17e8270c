import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { newConversation } from '../../src/core/record.js';
import { RedisStore } from '../../src/store/redis.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';
import { storeContract } from './contract.js';

const available = redisAvailable();

describe.skipIf(!available)('redis', () => {
  let server: RedisServer;
  let n = 0;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  storeContract('redis', async (retentionDays) => {
    // A fresh key prefix per test keeps the tests apart on one server.
    const store = new RedisStore({ url: server.url, retentionDays, keyPrefix: `t${++n}:` });
    return {
      store,
      // Redis expires keys on its own clock; TTLs here are whole seconds.
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      cleanup: () => store.close(),
    };
  });

  it('drops a queue entry whose conversation has expired, and its index entries with it', async () => {
    const store = new RedisStore({ url: server.url, retentionDays: 1, keyPrefix: 'exp:' });
    const raw = new Redis({ path: server.url.slice('unix://'.length) });
    try {
      await store.updateConversation('gone', 0, { ...newConversation('gone', 'directline', 1), state: 'queued' }, { op: 'put', score: 1, item: { conversationId: 'gone', risk: 'high', signals: [], topic: 'shelter', waitingSince: 1 } });
      expect(await store.listQueue()).toHaveLength(1);
      // Retention: Redis expires the record on its own clock; here it is made to expire now.
      await raw.del('exp:{c:gone}:rec');
      expect(await store.listQueue()).toEqual([]);
      expect(await raw.zcard('exp:{queue}')).toBe(0);
      expect(await raw.hlen('exp:{queue}:items')).toBe(0);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });

  it('refuses a record that does not match the schema when it reads it back', async () => {
    const store = new RedisStore({ url: server.url, retentionDays: 1, keyPrefix: 'bad:' });
    const raw = new Redis({ path: server.url.slice('unix://'.length) });
    try {
      await raw.hset('bad:{c:x}:rec', 'v', '1', 'r', JSON.stringify({ id: 'x', state: 'flying' }));
      await expect(store.getConversation('x')).rejects.toThrow();
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});
