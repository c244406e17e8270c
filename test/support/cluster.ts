/**
 * A private Redis Cluster for a test file: three masters (no replicas) on loopback ports, in a temporary
 * directory, joined with `redis-cli --cluster create`. Locally a missing redis-server or redis-cli skips with a
 * notice; under CI=true it is an error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { command, freePort, startNode, toolsAvailable, until, type RedisNode } from './redis-nodes.js';

const run = promisify(execFile);

export function clusterAvailable(): boolean {
  return toolsAvailable(['redis-server', 'redis-cli'], 'the Redis Cluster tests');
}

export interface RedisCluster {
  /** host:port of every master, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  masters: RedisNode[];
  dir: string;
  stop(): Promise<void>;
}

export async function startCluster(options: { masters?: number } = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-cluster-'));
  const masters: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(masters.map((m) => m.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort({ bus: true }));
    masters.push(
      ...(await Promise.all(
        ports.map((port) =>
          startNode({
            port,
            dir,
            name: `node-${port}`,
            args: ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'],
          }),
        ),
      )),
    );
    const nodes = masters.map((m) => m.address);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    // Every node must know every slot before a client's first CLUSTER SLOTS is trusted.
    await until(
      'the cluster to be ok on every node',
      async () => {
        const states = await Promise.all(masters.map(async (m) => String(await command(m.port, 'CLUSTER', 'INFO'))));
        return states.every((s) => s.includes('cluster_state:ok') && s.includes('cluster_slots_ok:16384') && s.includes(`cluster_known_nodes:${count}`));
      },
      20_000,
    );
    return { nodes, masters, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
