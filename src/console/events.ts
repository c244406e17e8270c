/**
 * Server-sent events for consoles. The store numbers every hotline event and keeps the recent ones, on every
 * instance alike, so a console that lost its connection resumes with Last-Event-ID on any instance and misses
 * nothing. A stream whose session has ended (logged out, account disabled) is closed at the next heartbeat.
 */
import type { Request, Response } from 'restify';
import type { StaffStore, StoredEvent } from '../handoff/staff-store.js';

const BACKLOG = 1000;
const HEARTBEAT_MS = 20_000;

/** Event ids from Redis ("1733312345678-3") and from the memory store ("42") both order by their numbers. */
export function eventIdAfter(a: string, b: string): boolean {
  const [a1 = 0, a2 = 0] = a.split('-').map(Number);
  const [b1 = 0, b2 = 0] = b.split('-').map(Number);
  return a1 > b1 || (a1 === b1 && a2 > b2);
}

interface Client {
  res: Response;
  /** Events that arrived while the backlog was being sent. */
  pending?: StoredEvent[];
  last?: string;
  alive: () => Promise<boolean>;
}

export class ConsoleEvents {
  private readonly clients = new Set<Client>();
  private unfollow: (() => Promise<void>) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly store: StaffStore) {}

  async start(): Promise<void> {
    this.unfollow = await this.store.followEvents((e) => this.push(e));
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    await this.unfollow?.();
  }

  /** Opens a stream: first what the console missed after Last-Event-ID, then everything new. */
  async open(req: Request, res: Response, alive: () => Promise<boolean>): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const client: Client = { res, pending: [], alive };
    this.clients.add(client);
    req.on('close', () => this.clients.delete(client));
    const lastHeader = req.headers['last-event-id'];
    if (typeof lastHeader === 'string' && /^\d+(-\d+)?$/.test(lastHeader)) {
      client.last = lastHeader;
      try {
        for (const e of await this.store.readEvents(lastHeader, BACKLOG)) this.write(client, e);
      } catch {
        // The store is down: the page reloads what it shows when the stream comes back.
      }
    }
    const pending = client.pending ?? [];
    client.pending = undefined;
    for (const e of pending) this.write(client, e);
  }

  private push(event: StoredEvent): void {
    for (const client of this.clients) {
      if (client.pending) client.pending.push(event);
      else this.write(client, event);
    }
  }

  private write(client: Client, e: StoredEvent): void {
    if (client.last && !eventIdAfter(e.id, client.last)) return;
    client.last = e.id;
    const type = (e.event as { type?: unknown }).type;
    client.res.write(`id: ${e.id}\nevent: ${typeof type === 'string' ? type : 'message'}\ndata: ${JSON.stringify(e.event)}\n\n`);
  }

  private async beat(): Promise<void> {
    for (const client of this.clients) {
      let alive = true;
      try {
        alive = await client.alive();
      } catch {
        // The store is down: keep the stream; the session is checked again at the next beat.
      }
      if (!alive) {
        client.res.write('event: session.ended\ndata: {}\n\n');
        client.res.end();
        this.clients.delete(client);
      } else client.res.write(': keep-alive\n\n');
    }
  }
}
