/**
 * Redis processes on loopback TCP ports, for the Cluster and Sentinel tests: free ports, a server started with
 * its own log file in a temporary directory, redis-cli. Like test/support/redis.ts, a missing tool skips the
 * tests locally with a notice and is an error under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** Whether every tool answers `--version`; under CI=true a missing one throws instead of skipping. */
export function toolsAvailable(tools: string[], what: string): boolean {
  const missing = tools.filter((tool) => spawnSync(tool, ['--version']).status !== 0);
  if (missing.length) {
    const message = `${missing.join(', ')} not installed`;
    if (process.env.CI === 'true') throw new Error(`${message} (required under CI=true for ${what})`);
    process.stdout.write(`notice: ${message}; skipping ${what}\n`);
  }
  return missing.length === 0;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const taken = new Set<number>();

/**
 * A free loopback port. With `bus`, port + 10000 is free too (a Cluster node's bus); ports are then chosen below
 * the kernel's ephemeral range so that the bus port stays valid.
 */
export async function freePort(options: { bus?: boolean } = {}): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = options.bus ? 20000 + Math.floor(Math.random() * 10000) : 0;
    if (port === 0) {
      const found = await new Promise<number>((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          const p = typeof address === 'object' && address ? address.port : 0;
          server.close(() => resolve(p));
        });
      });
      if (!taken.has(found)) {
        taken.add(found);
        return found;
      }
      continue;
    }
    if (taken.has(port) || taken.has(port + 10000)) continue;
    if ((await canBind(port)) && (await canBind(port + 10000))) {
      taken.add(port);
      taken.add(port + 10000);
      return port;
    }
  }
  throw new Error('no free port found');
}

export interface RedisNode {
  port: number;
  address: string;
  logFile: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the process to be gone. */
  stop(): Promise<void>;
  /** The last lines of its log, for a failure message. */
  logTail(lines?: number): string;
}

/** A raw client for a test's own checks: no retries, no offline queue surprises. */
export function rawClient(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  return client;
}

/** Runs one command on a node, or throws. */
export async function command(port: number, name: string, ...args: (string | number)[]): Promise<unknown> {
  const client = rawClient(port);
  try {
    await client.connect();
    return await client.call(name, ...args);
  } finally {
    client.disconnect();
  }
}

async function waitForPing(node: { port: number; child: ChildProcess; logTail(): string }): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (node.child.exitCode !== null) throw new Error(`redis on port ${node.port} exited with ${node.child.exitCode}:\n${node.logTail()}`);
    try {
      if ((await command(node.port, 'PING')) === 'PONG') return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`redis on port ${node.port} did not answer:\n${node.logTail()}`);
}

/**
 * Starts redis-server on 127.0.0.1:`port` with `dir` as its working directory and a log file there. `config`, when
 * given, is a config file to start from (Sentinel needs one it can rewrite); `args` are further `--name value`
 * settings.
 */
export async function startNode(options: { port: number; dir: string; name: string; args?: string[]; config?: string; sentinel?: boolean }): Promise<RedisNode> {
  const logFile = join(options.dir, `${options.name}.log`);
  const args = [
    ...(options.config ? [options.config] : []),
    '--port', String(options.port), '--bind', '127.0.0.1', '--dir', options.dir, '--logfile', logFile,
    ...(options.sentinel ? ['--sentinel'] : ['--save', '', '--appendonly', 'no']),
    ...(options.args ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = (lines = 20): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)');
  const node: RedisNode = {
    port: options.port,
    address: `127.0.0.1:${options.port}`,
    logFile,
    child,
    exited,
    logTail,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitForPing(node);
  } catch (err) {
    await node.kill();
    throw err;
  }
  return node;
}

/** Polls `check` until it answers true, or throws with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** `INFO section` as name -> value. */
export async function info(port: number, section: string): Promise<Record<string, string>> {
  const text = String(await command(port, 'INFO', section));
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}
