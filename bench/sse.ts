/**
 * Server-sent events to 200 connected consoles: the time from publishing a hotline event to its arrival at each
 * console, through the whole path (store pub/sub, session check done at connect, the numbered ring, HTTP). The
 * baseline is a bare Node HTTP server writing the same event to 200 open responses, measured in the same run.
 */
import { createServer, get, Agent, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp, PROJECT_ROOT } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { addUser } from '../src/console/accounts.js';
import { createLogger } from '../src/log.js';
import { resolve } from 'node:path';
import { row, summarize } from './stats.js';

const CONSOLES = 200;
const EVENTS = 100;

interface Fleet {
  /** Resolves when every console has the event stamped `n`; yields each console's delay in ms. */
  waitFor(n: number): Promise<number[]>;
  close(): void;
}

/** Opens `CONSOLES` event streams and records when each numbered event arrives at each. */
async function connect(url: string, headers: Record<string, string>): Promise<Fleet> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const arrivals = new Map<number, number[]>();
  const waiting = new Map<number, (delays: number[]) => void>();
  const responses: IncomingMessage[] = [];
  let connected = 0;
  let allConnected: () => void = () => undefined;
  const ready = new Promise<void>((r) => (allConnected = r));
  for (let i = 0; i < CONSOLES; i++) {
    get(url, { agent, headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      responses.push(res);
      res.setEncoding('utf8');
      let buffer = '';
      let counted = false;
      res.on('data', (chunk: string) => {
        if (!counted) {
          counted = true;
          if (++connected === CONSOLES) allConnected();
        }
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as { n?: number; t?: number };
          if (event.n === undefined || event.t === undefined) continue;
          const list = arrivals.get(event.n) ?? [];
          list.push(performance.now() - event.t);
          arrivals.set(event.n, list);
          if (list.length === CONSOLES) waiting.get(event.n)?.(list);
        }
      });
    }).on('error', () => undefined);
  }
  await ready;
  return {
    waitFor: (n) => {
      const done = arrivals.get(n);
      if (done?.length === CONSOLES) return Promise.resolve(done);
      return new Promise((r) => waiting.set(n, r));
    },
    close: () => {
      for (const res of responses) res.destroy();
      agent.destroy();
    },
  };
}

async function measure(fleet: Fleet, publish: (event: { type: string; conversationId: string; n: number; t: number }) => Promise<void>): Promise<number[]> {
  const delays: number[] = [];
  for (let n = 0; n < EVENTS; n++) {
    const arrived = fleet.waitFor(n);
    await publish({ type: 'queue.changed', conversationId: 'bench', n, t: performance.now() });
    delays.push(...(await arrived));
  }
  return delays;
}

export async function benchSse(): Promise<void> {
  // Ours: the service's console event stream.
  const config = parseConfig({ LOG_LEVEL: 'silent', PORT: '0', NLU_CACHE_DIR: resolve(PROJECT_ROOT, '.cache/nlu') });
  const app = await buildApp(config, { log: createLogger('silent'), trainInline: true });
  await app.modelReady;
  const { port } = await app.listen();
  await addUser(app.store, { name: 'bench', role: 'agent', password: 'a bench password 123' });
  const login = await fetch(`http://127.0.0.1:${port}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'a bench password 123' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const ours = await connect(`http://127.0.0.1:${port}/console/api/events`, { cookie });
  const oursDelays = await measure(ours, async (event) => void (await app.store.appendEvent(event)));
  ours.close();
  await app.close();

  // Baseline: the same events written straight to 200 open responses.
  const open = new Set<import('node:http').ServerResponse>();
  const bare: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 2000\n\n');
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as AddressInfo).port;
  const base = await connect(`http://127.0.0.1:${barePort}/`, {});
  let id = 0;
  const baseDelays = await measure(base, async (event) => {
    const frame = `id: ${++id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of open) res.write(frame);
  });
  base.close();
  bare.closeAllConnections();
  await new Promise<void>((r) => bare.close(() => r()));

  console.log(row(`SSE to ${CONSOLES} consoles (${EVENTS} events)`, summarize(oursDelays), summarize(baseDelays)));
}
