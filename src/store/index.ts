/**
 * Chooses the store: Redis when configured (a URL, Sentinels or a Cluster), otherwise the embedded memory store.
 * The Redis client is loaded only when it is used: a service on the memory store starts faster and smaller.
 */
import type { Config } from '../config.js';
import { MemoryStore } from './memory.js';
import type { Store } from './store.js';

export async function createStore(
  config: Pick<Config, 'shared' | 'redis' | 'retentionDays'>,
  hooks: { onUnreplicated?: (acknowledged: number) => void; clock?: () => number } = {},
): Promise<Store> {
  // The embedded store expires by the service's clock (Redis by its own).
  if (!config.shared) return new MemoryStore({ retentionDays: config.retentionDays, clock: hooks.clock });
  const { RedisStore } = await import('./redis.js');
  const { url, sentinels, sentinelName, clusterNodes, password, waitReplicas, commandTimeoutMs } = config.redis;
  return new RedisStore({ url, sentinels, sentinelName, clusterNodes, password, waitReplicas, commandTimeoutMs, retentionDays: config.retentionDays, onUnreplicated: hooks.onUnreplicated });
}
