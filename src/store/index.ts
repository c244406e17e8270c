/** Chooses the store: Redis when configured (a URL, Sentinels or a Cluster), otherwise the embedded memory store. */
import type { Config } from '../config.js';
import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { Store } from './store.js';

export function createStore(config: Pick<Config, 'shared' | 'redis' | 'retentionDays'>, hooks: { onUnreplicated?: (acknowledged: number) => void } = {}): Store {
  if (!config.shared) return new MemoryStore({ retentionDays: config.retentionDays });
  const { url, sentinels, sentinelName, clusterNodes, password, waitReplicas, commandTimeoutMs } = config.redis;
  return new RedisStore({ url, sentinels, sentinelName, clusterNodes, password, waitReplicas, commandTimeoutMs, retentionDays: config.retentionDays, ...hooks });
}
