/**
 * Server-sent events for consoles. Every instance hears every hotline event (pub/sub) and keeps the recent ones
 * numbered, so a console that lost its connection resumes with Last-Event-ID and misses nothing.
 */
import type { Request, Response } from 'restify';
import { EVENTS_CHANNEL, type HotlineEvent } from '../handoff/events.js';
import type { Store } from '../store/store.js';

const KEEP = 1000;
const HEARTBEAT_MS = 25_000;

interface Numbered {
  id: number;
  event: HotlineEvent;
}

export class ConsoleEvents {
  private readonly recent: Numbered[] = [];
  private readonly clients = new Set<Response>();
  private next = 1;
  private unsubscribe: (() => Promise<void>) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.store.subscribe(EVENTS_CHANNEL, (e) => this.push(e as HotlineEvent));
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
    await this.unsubscribe?.();
  }

  /** Opens a stream: first what the console missed after Last-Event-ID, then everything new. */
  open(req: Request, res: Response): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const last = Number(req.headers['last-event-id'] ?? NaN);
    if (Number.isFinite(last)) for (const n of this.recent) if (n.id > last) this.write(res, n);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  private push(event: HotlineEvent): void {
    const numbered = { id: this.next++, event };
    this.recent.push(numbered);
    if (this.recent.length > KEEP) this.recent.shift();
    for (const res of this.clients) this.write(res, numbered);
  }

  private write(res: Response, n: Numbered): void {
    res.write(`id: ${n.id}\nevent: ${n.event.type}\ndata: ${JSON.stringify(n.event)}\n\n`);
  }
}
