/** The embedded store: one process, nothing kept across a restart. The default without REDIS_URL. */
import type {
  AppendResult,
  AuditEntry,
  ConversationRecord,
  FaqVersion,
  StatEvent,
  StoredEvent,
  LogEntry,
  NewLogEntry,
  QueueItem,
  QueueOp,
  Store,
  StoreOptions,
  Unsubscribe,
  User,
} from './store.js';
import { DAY_MS } from '../core/dates.js';
import { EVENTS_KEPT, LogFullError, STATS_DAYS } from './store.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface Log {
  entries: LogEntry[];
  ids: Map<string, number>;
  expiresAt: number;
}

const SWEEP_MS = 60_000;
/** Also swept every this many writes, so that memory stays bounded under any rate and any clock. */
const SWEEP_WRITES = 1024;
const MAX_AUDIT = 100_000;

export class MemoryStore implements Store {
  private readonly logs = new Map<string, Log>();
  private readonly conversations = new Map<string, Expiring<ConversationRecord>>();
  private readonly queue = new Map<string, { item: QueueItem; score: number }>();
  private readonly subscribers = new Map<string, Set<(event: unknown) => void>>();
  private readonly sessions = new Map<string, Expiring<unknown>>();
  private readonly counters = new Map<string, Expiring<number>>();
  private readonly users = new Map<string, User>();
  private readonly audit: AuditEntry[] = [];
  private readonly faq = new Map<string, FaqVersion[]>();
  private stats: StatEvent[] = [];
  private events: StoredEvent[] = [];
  private nextEvent = 1;
  private readonly followers = new Set<(event: StoredEvent) => void>();
  private readonly retentionMs: number;
  private readonly clock: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private writes = 0;

  constructor(options: StoreOptions) {
    this.retentionMs = options.retentionDays * DAY_MS;
    this.clock = options.clock ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  async appendMessage(conversationId: string, entry: NewLogEntry, options: { maxEntries?: number } = {}): Promise<AppendResult> {
    let log = this.liveLog(conversationId);
    if (!log) {
      log = { entries: [], ids: new Map(), expiresAt: 0 };
      this.logs.set(conversationId, log);
    }
    log.expiresAt = this.clock() + this.retentionMs;
    const existing = log.ids.get(entry.id);
    if (existing !== undefined) return { seq: existing, duplicate: true };
    if (options.maxEntries !== undefined && log.entries.length >= options.maxEntries) throw new LogFullError(`conversation ${conversationId} is full`);
    if (++this.writes % SWEEP_WRITES === 0) this.sweep();
    const seq = log.entries.length + 1;
    log.entries.push(structuredClone({ ...entry, seq }));
    log.ids.set(entry.id, seq);
    return { seq, duplicate: false };
  }

  async readMessages(conversationId: string, afterSeq = 0, limit = Number.POSITIVE_INFINITY): Promise<LogEntry[]> {
    const log = this.liveLog(conversationId);
    if (!log) return [];
    return structuredClone(log.entries.slice(Math.max(0, afterSeq), Math.max(0, afterSeq) + limit));
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const found = this.live(this.conversations, id);
    return found === undefined ? undefined : structuredClone(found);
  }

  async updateConversation(id: string, expectedVersion: number, next: ConversationRecord, queue?: QueueOp): Promise<'ok' | 'conflict'> {
    const current = this.live(this.conversations, id);
    if ((current?.version ?? 0) !== expectedVersion) return 'conflict';
    this.conversations.set(id, {
      value: structuredClone({ ...next, id, version: expectedVersion + 1 }),
      expiresAt: this.clock() + this.retentionMs,
    });
    if (queue?.op === 'put') this.queue.set(id, structuredClone({ item: queue.item, score: queue.score }));
    if (queue?.op === 'remove') this.queue.delete(id);
    return 'ok';
  }

  async listQueue(): Promise<{ item: QueueItem; score: number }[]> {
    // Only chats still waiting: an expired record takes its place in the queue with it.
    for (const id of this.queue.keys()) if (this.live(this.conversations, id)?.state !== 'queued') this.queue.delete(id);
    return structuredClone([...this.queue.values()].sort((a, b) => a.score - b.score || a.item.conversationId.localeCompare(b.item.conversationId)));
  }

  async listHeld(): Promise<ConversationRecord[]> {
    const held: ConversationRecord[] = [];
    for (const id of this.conversations.keys()) {
      const record = this.live(this.conversations, id);
      if (record?.state === 'agent') held.push(structuredClone(record));
    }
    return held;
  }

  async listConversations(options: { from: number; to: number; offset: number; limit: number }): Promise<ConversationRecord[]> {
    const found: ConversationRecord[] = [];
    for (const id of [...this.conversations.keys()]) {
      const record = this.live(this.conversations, id);
      if (record && record.updatedAt >= options.from && record.updatedAt < options.to) found.push(record);
    }
    found.sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
    return structuredClone(found.slice(options.offset, options.offset + options.limit));
  }

  async appendEvent(event: unknown): Promise<string> {
    const stored: StoredEvent = { id: String(this.nextEvent++), event: JSON.parse(JSON.stringify(event)) as unknown };
    this.events.push(stored);
    if (this.events.length > EVENTS_KEPT * 1.1) this.events = this.events.slice(-EVENTS_KEPT);
    for (const follower of this.followers) setImmediate(() => follower(stored));
    return stored.id;
  }

  async readEvents(afterId: string | undefined, limit: number): Promise<StoredEvent[]> {
    const after = afterId === undefined ? 0 : Number(afterId);
    if (!Number.isFinite(after)) return [];
    return structuredClone(this.events.filter((e) => Number(e.id) > after).slice(0, limit));
  }

  async followEvents(handler: (event: StoredEvent) => void): Promise<Unsubscribe> {
    this.followers.add(handler);
    return async () => {
      this.followers.delete(handler);
    };
  }

  async publish(channel: string, event: unknown): Promise<void> {
    const copy = JSON.parse(JSON.stringify(event)) as unknown;
    for (const handler of this.subscribers.get(channel) ?? []) {
      // Asynchronous like Redis, so that no caller depends on delivery during its own call.
      setImmediate(() => handler(copy));
    }
  }

  async subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe> {
    let set = this.subscribers.get(channel);
    if (!set) {
      set = new Set();
      this.subscribers.set(channel, set);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
    };
  }

  async putSession(id: string, data: unknown, ttlSeconds: number): Promise<void> {
    this.sessions.set(id, { value: structuredClone(data), expiresAt: this.clock() + ttlSeconds * 1000 });
  }

  async getSession(id: string): Promise<unknown> {
    const value = this.live(this.sessions, id);
    return value === undefined ? undefined : structuredClone(value);
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async putUser(user: User): Promise<void> {
    this.users.set(user.name, structuredClone(user));
  }

  async getUser(name: string): Promise<User | undefined> {
    const user = this.users.get(name);
    return user && structuredClone(user);
  }

  async listUsers(): Promise<User[]> {
    return structuredClone([...this.users.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push(structuredClone(entry));
    if (this.audit.length > MAX_AUDIT) this.audit.splice(0, this.audit.length - MAX_AUDIT);
  }

  async listAudit(options: { since?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const since = options.since ?? 0;
    return structuredClone(this.audit.filter((e) => e.at >= since).reverse().slice(0, options.limit ?? 1000));
  }

  async getFaqHead(intent: string): Promise<FaqVersion | undefined> {
    const versions = this.faq.get(intent);
    return versions?.length ? structuredClone(versions[versions.length - 1]) : undefined;
  }

  async listFaqVersions(intent: string): Promise<FaqVersion[]> {
    return structuredClone(this.faq.get(intent) ?? []);
  }

  async appendFaqVersion(intent: string, expectedVersion: number, version: Omit<FaqVersion, 'version'>): Promise<'ok' | 'conflict'> {
    const versions = this.faq.get(intent) ?? [];
    if (versions.length !== expectedVersion) return 'conflict';
    versions.push(structuredClone({ ...version, version: expectedVersion + 1 }));
    this.faq.set(intent, versions);
    return 'ok';
  }

  async appendStats(events: StatEvent[]): Promise<void> {
    if (!events.length) return;
    const oldest = this.clock() - STATS_DAYS * DAY_MS;
    if ((this.stats[0]?.at ?? Infinity) < oldest) this.stats = this.stats.filter((e) => e.at >= oldest);
    const last = this.stats[this.stats.length - 1]?.at ?? -Infinity;
    this.stats.push(...structuredClone(events));
    if (events.some((e) => e.at < last)) this.stats.sort((a, b) => a.at - b.at);
  }

  async listStats(from: number, to: number): Promise<StatEvent[]> {
    return structuredClone(this.stats.filter((e) => e.at >= from && e.at < to));
  }

  async incrementCounter(key: string, ttlSeconds: number): Promise<number> {
    const current = this.live(this.counters, key);
    if (current === undefined) {
      this.counters.set(key, { value: 1, expiresAt: this.clock() + ttlSeconds * 1000 });
      return 1;
    }
    const entry = this.counters.get(key)!;
    entry.value = current + 1;
    return entry.value;
  }

  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(this.counters, `once:${key}`) !== undefined) return false;
    this.counters.set(`once:${key}`, { value: 1, expiresAt: this.clock() + ttlSeconds * 1000 });
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private liveLog(conversationId: string): Log | undefined {
    const log = this.logs.get(conversationId);
    if (log && log.expiresAt <= this.clock()) {
      this.logs.delete(conversationId);
      return undefined;
    }
    return log;
  }

  /** Retention: expired conversations, logs and their queue items go, also when nobody reads them. */
  private sweep(): void {
    const now = this.clock();
    for (const [id, log] of this.logs) if (log.expiresAt <= now) this.logs.delete(id);
    for (const map of [this.conversations, this.sessions, this.counters] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
    for (const id of this.queue.keys()) if (!this.conversations.has(id)) this.queue.delete(id);
    const oldest = now - STATS_DAYS * DAY_MS;
    if ((this.stats[0]?.at ?? Infinity) < oldest) this.stats = this.stats.filter((e) => e.at >= oldest);
  }
}
