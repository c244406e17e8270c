/**
 * The Store contract on a Redis Cluster of three masters (REDIS_CLUSTER_NODES): every command must stay within
 * one slot, and the conversations must really spread over the masters for that to mean anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConversation } from '../../src/core/record.js';
import { RedisStore } from '../../src/store/redis.js';
import { clusterAvailable, startCluster, type RedisCluster } from '../support/cluster.js';
import { command, until, type RedisNode } from '../support/redis-nodes.js';
import { storeContract } from './contract.js';

const available = clusterAvailable();

describe.skipIf(!available)('redis cluster', () => {
  let cluster: RedisCluster;
  let n = 0;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  storeContract('redis cluster', async (retentionDays) => {
    const store = new RedisStore({ clusterNodes: cluster.nodes, retentionDays, keyPrefix: `t${++n}:` });
    return {
      store,
      advance: (ms) => new Promise((r) => setTimeout(r, ms)),
      cleanup: () => store.close(),
    };
  });

  it('spreads conversations over every master and keeps the keys of each conversation on one of them', async () => {
    const store = new RedisStore({ clusterNodes: cluster.nodes, retentionDays: 1, keyPrefix: 'spread:' });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `conv-${i}`);
      for (const id of ids) {
        await store.appendMessage(id, { id: 'm1', from: 'user', at: 1, text: 'x' });
        await store.updateConversation(id, 0, { ...newConversation(id, 'directline', 1), state: 'queued' }, { op: 'put', score: 1, item: { conversationId: id, risk: 'high', signals: [], topic: 'shelter', waitingSince: 1 } });
      }
      const keysByMaster = await Promise.all(cluster.masters.map(async (m) => (await command(m.port, 'KEYS', 'spread:*')) as string[]));
      expect(keysByMaster.every((keys) => keys.some((k) => k.startsWith('spread:{c:')))).toBe(true);
      for (const id of ids) {
        const holders = keysByMaster.filter((keys) => keys.some((k) => k.startsWith(`spread:{c:${id}}:`)));
        expect(holders).toHaveLength(1);
        expect(holders[0]!.filter((k) => k.startsWith(`spread:{c:${id}}:`)).sort()).toEqual([`spread:{c:${id}}:ids`, `spread:{c:${id}}:log`, `spread:{c:${id}}:rec`]);
      }
      expect((await store.listQueue()).map((q) => q.item.conversationId).sort()).toEqual([...ids].sort());
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!available)('redis cluster losing a master', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** How long a call takes to settle, and whether it failed. */
  async function timed(call: () => Promise<unknown>): Promise<{ ms: number; failed: boolean }> {
    const started = Date.now();
    try {
      await call();
      return { ms: Date.now() - started, failed: false };
    } catch {
      return { ms: Date.now() - started, failed: true };
    }
  }

  it('fails fast for what the lost master held, and for everything once the cluster is down; ping says so', async () => {
    const store = new RedisStore({ clusterNodes: cluster.nodes, retentionDays: 1, keyPrefix: 'down:' });
    try {
      const ids = Array.from({ length: 24 }, (_, i) => `conv-${i}`);
      for (const id of ids) await store.appendMessage(id, { id: 'm1', from: 'user', at: 1, text: 'x' });
      await expect(store.ping()).resolves.toBeUndefined();
      const [lost, survivor] = cluster.masters as [RedisNode, RedisNode];
      const onLost = new Set(((await command(lost.port, 'KEYS', 'down:*')) as string[]).map((k) => /\{c:([^}]+)\}/.exec(k)![1]!));
      expect(onLost.size).toBeGreaterThan(0);
      expect(onLost.size).toBeLessThan(ids.length);

      await lost.kill();
      // At once: her chats on the other masters go on; those on the lost one fail within the command timeout.
      const first = await Promise.all(ids.map(async (id) => ({ id, ...(await timed(() => store.readMessages(id))) })));
      for (const r of first) {
        expect(r.failed, r.id).toBe(onLost.has(r.id));
        expect(r.ms, `${r.id} took ${r.ms} ms`).toBeLessThan(1000);
      }

      // The others mark the cluster as failed after the node timeout: from then on every call is refused, fast.
      await until('the cluster to be down', async () => String(await command(survivor.port, 'CLUSTER', 'INFO')).includes('cluster_state:fail'), 10_000);
      const down = await Promise.all(ids.map(async (id) => ({ id, ...(await timed(() => store.appendMessage(id, { id: 'm2', from: 'user', at: 2 }))) })));
      for (const r of down) {
        expect(r.failed, r.id).toBe(true);
        expect(r.ms, `${r.id} took ${r.ms} ms`).toBeLessThan(1000);
      }
      const ping = await timed(() => store.ping());
      expect(ping.failed, 'ping answered while the cluster is down').toBe(true);
      expect(ping.ms).toBeLessThan(1000);
    } finally {
      await store.close();
    }
  }, 30_000);
});

