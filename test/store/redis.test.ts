import { afterAll, beforeAll } from 'vitest';
import { describe } from 'vitest';
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
});
