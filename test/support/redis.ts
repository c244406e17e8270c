/**
 * Starts a private redis-server on a temporary unix socket for a test file. Locally, a missing redis-server
 * skips with a notice; under CI=true it is an error, so CI never passes without running these tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
  kill(): void;
}

export function redisAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version']).status === 0;
  if (!found) {
    if (process.env.CI === 'true') throw new Error('redis-server is not installed (required under CI=true)');
    process.stdout.write('notice: redis-server not installed; skipping the Redis tests\n');
  }
  return found;
}

async function waitForPing(path: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const client = new Redis({ path, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    } finally {
      client.disconnect();
    }
  }
  throw new Error('redis-server did not start');
}

export async function startRedis(options: { dir?: string; appendonly?: boolean } = {}): Promise<RedisServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hotline-redis-'));
  const socket = join(dir, 'redis.sock');
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--save', ''];
  args.push('--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'always');
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  await waitForPing(socket, child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `unix://${socket}`,
    dir,
    kill: () => child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
