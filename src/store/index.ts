/** Chooses the store: Redis when a URL is configured, otherwise the embedded memory store. */
import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { Store } from './store.js';

export function createStore(options: { redisUrl?: string | undefined; retentionDays: number }): Store {
  return options.redisUrl
    ? new RedisStore({ url: options.redisUrl, retentionDays: options.retentionDays })
    : new MemoryStore({ retentionDays: options.retentionDays });
}
