/**
 * A private Sentinel setup for a test file: a master, one replica and three Sentinels on loopback ports, in a
 * temporary directory, tuned so that a failover takes a few seconds (down after 1 s, failover timeout 3 s).
 * Sentinels run as `redis-server <conf> --sentinel` (the same binary), so only redis-server is needed; locally a
 * missing one skips with a notice, under CI=true it is an error.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command, freePort, info, startNode, toolsAvailable, until, type RedisNode } from './redis-nodes.js';

export function sentinelAvailable(): boolean {
  return toolsAvailable(['redis-server'], 'the Redis Sentinel tests');
}

export const DOWN_AFTER_MS = 1000;
export const FAILOVER_TIMEOUT_MS = 3000;

export interface SentinelSetup {
  name: string;
  /** host:port of the Sentinels, as REDIS_SENTINELS takes them (comma-joined). */
  sentinels: string[];
  master: RedisNode;
  replica: RedisNode;
  sentinelNodes: RedisNode[];
  dir: string;
  /** host:port of the master as the Sentinels see it now. */
  currentMaster(): Promise<string>;
  /** Resolves when the Sentinels name a master other than `old`, and that node says it is a master. */
  failedOver(old: string, timeoutMs: number): Promise<string>;
  /** The last lines of every process's log, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function startSentinels(options: { name?: string } = {}): Promise<SentinelSetup> {
  const name = options.name ?? 'hotline';
  const dir = mkdtempSync(join(tmpdir(), 'hotline-sentinel-'));
  const all: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(all.map((n) => n.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [masterPort, replicaPort, ...sentinelPorts] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()] as [number, number, ...number[]];
    const master = await startNode({ port: masterPort, dir, name: 'master', args: ['--dbfilename', 'master.rdb', '--repl-diskless-sync-delay', '0'] });
    all.push(master);
    const replica = await startNode({ port: replicaPort, dir, name: 'replica', args: ['--dbfilename', 'replica.rdb', '--repl-diskless-sync-delay', '0', '--replicaof', '127.0.0.1', String(masterPort)] });
    all.push(replica);
    await until('the replica to be in sync', async () => (await info(replicaPort, 'replication')).master_link_status === 'up', 10_000);

    // Each Sentinel is told its own id, the replica and the other Sentinels up front (the lines Sentinel itself
    // writes when it rewrites its config): discovering them takes up to ten seconds otherwise.
    const ids = sentinelPorts.map(() => randomBytes(20).toString('hex'));
    const sentinelNodes = await Promise.all(
      sentinelPorts.map((port, k) => {
        const config = join(dir, `sentinel-${port}.conf`);
        // Sentinel rewrites its own config file; each has its own.
        writeFileSync(
          config,
          [
            `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
            `sentinel failover-timeout ${name} ${FAILOVER_TIMEOUT_MS}`,
            `sentinel parallel-syncs ${name} 1`,
            `sentinel myid ${ids[k]}`,
            `sentinel known-replica ${name} 127.0.0.1 ${replicaPort}`,
            ...sentinelPorts.flatMap((other, j) => (j === k ? [] : [`sentinel known-sentinel ${name} 127.0.0.1 ${other} ${ids[j]}`])),
            '',
          ].join('\n'),
        );
        return startNode({ port, dir, name: `sentinel-${port}`, config, sentinel: true });
      }),
    );
    all.push(...sentinelNodes);
    // Each Sentinel must know the replica and the two other Sentinels, or it cannot reach a quorum and promote.
    await until(
      'the Sentinels to know the replica and each other',
      async () => {
        const views = await Promise.all(
          sentinelNodes.map(async (s) => {
            const flat = (await command(s.port, 'SENTINEL', 'MASTER', name)) as string[];
            const fields = Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));
            return fields['num-slaves'] === '1' && fields['num-other-sentinels'] === '2';
          }),
        );
        return views.every(Boolean);
      },
      15_000,
      100,
    );

    const currentMaster = async (): Promise<string> => {
      for (const s of sentinelNodes) {
        if (s.child.exitCode !== null) continue;
        try {
          const [host, port] = (await command(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
          return `${host}:${port}`;
        } catch {
          // Ask the next one.
        }
      }
      throw new Error('no Sentinel answered');
    };

    return {
      name,
      sentinels: sentinelNodes.map((s) => s.address),
      master,
      replica,
      sentinelNodes,
      dir,
      currentMaster,
      failedOver: async (old, timeoutMs) => {
        let now = old;
        await until(
          'the Sentinels to promote a new master',
          async () => {
            now = await currentMaster();
            if (now === old) return false;
            return (await info(Number(now.split(':')[1]), 'replication')).role === 'master';
          },
          timeoutMs,
          100,
        );
        return now;
      },
      logs: () => all.map((n) => `--- ${n.logFile}\n${n.logTail(15)}`).join('\n'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
