/**
 * The shared store on Redis: several instances behind a load balancer, state kept across restarts, on one
 * server, a Sentinel-watched master or a Cluster.
 *
 * Keys of one conversation share a hash tag (`{c:<id>}`), so each Lua script touches one slot; the global
 * indexes (queue, held chats, history, events, users) have their own. Scripts never decode JSON: a log entry's
 * sequence number is its list position, a record's version is a hash field beside it. The queue is an index
 * kept consistent with the records by order (added before a record becomes queued, removed after it leaves)
 * and checked against the records when listed, so that it needs no cross-slot transaction.
 */
import { randomUUID } from 'node:crypto';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { conversationRecordSchema, userSchema } from '../core/record.js';
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

const MAX_AUDIT = 100_000;

/**
 * KEYS: log list, id hash. ARGV: id, entry JSON, ttl seconds, max entries (0: none).
 * Returns {seq, duplicate}; {0, 2} when the log is full.
 */
const APPEND = `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  redis.call('EXPIRE', KEYS[1], ARGV[3]); redis.call('EXPIRE', KEYS[2], ARGV[3])
  return {tonumber(existing), 1}
end
local max = tonumber(ARGV[4])
if max > 0 and redis.call('LLEN', KEYS[1]) >= max then return {0, 2} end
local seq = redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('EXPIRE', KEYS[1], ARGV[3]); redis.call('EXPIRE', KEYS[2], ARGV[3])
return {seq, 0}
`;

/** KEYS: record hash (fields v, r). ARGV: expected version, record JSON, ttl seconds. */
const UPDATE = `
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', version + 1, 'r', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: versions list. ARGV: expected version, version JSON (its number is its position). */
const FAQ_APPEND = `
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: counter. ARGV: ttl seconds. */
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export interface RedisConnection {
  /** redis://, rediss:// or unix:///path/to/socket */
  url?: string | undefined;
  /** host:port of Sentinels watching the master named `sentinelName`. */
  sentinels?: string[] | undefined;
  sentinelName?: string | undefined;
  /** host:port of some Cluster nodes. */
  clusterNodes?: string[] | undefined;
  /** A password for Sentinel or Cluster nodes (a URL carries its own). */
  password?: string | undefined;
}

export interface RedisStoreOptions extends StoreOptions, RedisConnection {
  keyPrefix?: string;
  /** A command unanswered for this long fails, so that a request never hangs on a dead server. */
  commandTimeoutMs?: number;
  /** Before a write is acknowledged, wait until this many replicas have it (WAIT), at most `waitTimeoutMs`. */
  waitReplicas?: number;
  waitTimeoutMs?: number;
  /** Told when a write was acknowledged by fewer replicas than asked for. */
  onUnreplicated?: (acknowledged: number) => void;
}

function hostPort(entry: string): { host: string; port: number } {
  const at = entry.lastIndexOf(':');
  return { host: entry.slice(0, at) || '127.0.0.1', port: Number(entry.slice(at + 1)) };
}

type Client = Redis | Cluster;

/** Fail fast and recover by itself: no offline queue, a command timeout, reconnection forever with a cap. */
function baseOptions(options: RedisStoreOptions): RedisOptions {
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    enableAutoPipelining: true,
  };
}

export function connect(options: RedisStoreOptions, overrides: RedisOptions = {}): Client {
  const base = { ...baseOptions(options), ...overrides };
  if (options.clusterNodes?.length) {
    return new Cluster(options.clusterNodes.map(hostPort), {
      enableOfflineQueue: base.enableOfflineQueue,
      enableAutoPipelining: true,
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      // Fail fast here too: a cluster that answers CLUSTERDOWN is refused at once (ioredis would retry every 100 ms
      // up to 16 times, nearly 2 s per call), and a lost connection is retried a few times only (a replica taking
      // over), not 16. MOVED redirections are not delayed, so a handful is enough for a slot migration.
      retryDelayOnClusterDown: 0,
      retryDelayOnFailover: 100,
      maxRedirections: 4,
      redisOptions: { ...base, password: options.password },
    });
  }
  if (options.sentinels?.length) {
    return new Redis({
      ...base,
      sentinels: options.sentinels.map(hostPort),
      name: options.sentinelName ?? 'mymaster',
      password: options.password,
      sentinelPassword: options.password,
      sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
    });
  }
  const url = options.url ?? 'redis://127.0.0.1:6379';
  if (url.startsWith('unix://')) return new Redis({ ...base, path: url.slice('unix://'.length) });
  return new Redis(url, base);
}

/** Resolves when the client is ready; with no offline queue, nothing may be sent before. */
function ready(client: Client, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

export class RedisStore implements Store {
  private readonly redis: Client;
  private subscriber: Client | undefined;
  private reader: Client | undefined;
  private readonly handlers = new Map<string, Set<(event: unknown) => void>>();
  private readonly followers = new Set<(event: StoredEvent) => void>();
  private following = false;
  private closed = false;
  private readonly prefix: string;
  private readonly retentionSeconds: number;
  private everReady = false;

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = connect(options);
    // Errors surface on the calls; an unhandled 'error' event would crash the process instead.
    this.redis.on('error', () => undefined);
    this.prefix = options.keyPrefix ?? 'hotline:';
    this.retentionSeconds = Math.ceil((options.retentionDays * DAY_MS) / 1000);
    this.redis.defineCommand('hlAppend', { numberOfKeys: 2, lua: APPEND });
    this.redis.defineCommand('hlUpdate', { numberOfKeys: 1, lua: UPDATE });
    this.redis.defineCommand('hlFaqAppend', { numberOfKeys: 1, lua: FAQ_APPEND });
    this.redis.defineCommand('hlIncrement', { numberOfKeys: 1, lua: INCREMENT });
  }

  /** A key of one conversation: its hash tag keeps all of them in one Cluster slot. */
  private conv(id: string, part: string): string {
    return `${this.prefix}{c:${id}}:${part}`;
  }

  /** A global key; `part` keeps related keys in the slot of `name` (the queue's order and its items). */
  private key(name: string, part?: string): string {
    return `${this.prefix}{${name}}${part ? `:${part}` : ''}`;
  }

  /**
   * The client, once it has connected. Until the first connection a command waits a little for it (with no offline
   * queue, nothing may be sent before); after that, a lost connection fails commands at once.
   */
  private async client(): Promise<Client> {
    if (!this.everReady && this.redis.status !== 'ready') await ready(this.redis, 2000);
    this.everReady = true;
    return this.redis;
  }

  private scripts(client: Client): Record<string, (...args: (string | number)[]) => Promise<unknown>> {
    return client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  }

  /** WAIT for replicas before a write is acknowledged, when asked to. */
  private async replicated(client: Client): Promise<void> {
    const want = this.options.waitReplicas ?? 0;
    if (!want || client instanceof Cluster) return;
    const got = Number(await client.wait(want, this.options.waitTimeoutMs ?? 500));
    if (got < want) this.options.onUnreplicated?.(got);
  }

  async appendMessage(conversationId: string, entry: NewLogEntry, options: { maxEntries?: number } = {}): Promise<AppendResult> {
    const client = await this.client();
    const [seq, flag] = (await this.scripts(client).hlAppend!(
      this.conv(conversationId, 'log'),
      this.conv(conversationId, 'ids'),
      entry.id,
      JSON.stringify(entry),
      this.retentionSeconds,
      options.maxEntries ?? 0,
    )) as [number, number];
    if (flag === 2) throw new LogFullError(`conversation ${conversationId} is full`);
    if (flag === 0) await this.replicated(client);
    return { seq, duplicate: flag === 1 };
  }

  async readMessages(conversationId: string, afterSeq = 0, limit?: number): Promise<LogEntry[]> {
    const start = Math.max(0, afterSeq);
    const stop = limit === undefined ? -1 : start + limit - 1;
    const raw = await (await this.client()).lrange(this.conv(conversationId, 'log'), start, stop);
    return raw.map((r, i) => ({ ...(JSON.parse(r) as NewLogEntry), seq: start + i + 1 }));
  }

  private parseRecord(raw: string | null | undefined, version: string | null | undefined): ConversationRecord | undefined {
    if (raw == null) return undefined;
    // What comes back from a shared server is checked against the same schema the code is written to.
    return conversationRecordSchema.parse({ ...(JSON.parse(raw) as object), version: Number(version ?? 0) });
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const [version, raw] = await (await this.client()).hmget(this.conv(id, 'rec'), 'v', 'r');
    return this.parseRecord(raw, version);
  }

  async updateConversation(id: string, expectedVersion: number, next: ConversationRecord, queue?: QueueOp): Promise<'ok' | 'conflict'> {
    const client = await this.client();
    const record = { ...next, id, version: expectedVersion + 1 };
    // Into the queue index before the record says queued: a queued record is never missing from the listing.
    if (queue?.op === 'put') {
      await client.multi().zadd(this.key('queue'), queue.score, id).hset(this.key('queue', 'items'), id, JSON.stringify(queue.item)).exec();
    }
    if (record.state === 'agent') await client.sadd(this.key('held'), id);
    const ok = await this.scripts(client).hlUpdate!(this.conv(id, 'rec'), expectedVersion, JSON.stringify(record), this.retentionSeconds);
    if (ok !== 1) return 'conflict';
    await Promise.all([
      client.zadd(this.key('history'), record.updatedAt, id),
      record.state === 'agent' ? Promise.resolve(0) : client.srem(this.key('held'), id),
      queue?.op === 'remove' ? client.multi().zrem(this.key('queue'), id).hdel(this.key('queue', 'items'), id).exec() : Promise.resolve(null),
    ]);
    await this.replicated(client);
    return 'ok';
  }

  /** Records for ids, in order; undefined where one has expired. */
  private async records(client: Client, ids: string[]): Promise<(ConversationRecord | undefined)[]> {
    const raw = await Promise.all(ids.map((id) => client.hmget(this.conv(id, 'rec'), 'v', 'r')));
    return raw.map(([v, r]) => this.parseRecord(r, v));
  }

  async listQueue(): Promise<{ item: QueueItem; score: number }[]> {
    const client = await this.client();
    const flat = (await client.zrange(this.key('queue'), '0', '-1', 'WITHSCORES')) as unknown as (string | [string, string])[];
    // RESP2 answers member, score, member, score...; RESP3 may answer [member, score] pairs.
    const pairs: [string, string][] = Array.isArray(flat[0])
      ? (flat as [string, string][])
      : Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i] as string, flat[2 * i + 1] as string]);
    if (!pairs.length) return [];
    const ids = pairs.map((p) => p[0]);
    const [items, records] = await Promise.all([client.hmget(this.key('queue', 'items'), ...ids), this.records(client, ids)]);
    const out: { item: QueueItem; score: number }[] = [];
    const stale: string[] = [];
    ids.forEach((id, i) => {
      const raw = items[i];
      if (raw && records[i]?.state === 'queued') out.push({ item: JSON.parse(raw) as QueueItem, score: Number(pairs[i]![1]) });
      // Expired with retention, or no longer waiting: the index entry goes.
      else if (!records[i] || records[i].state !== 'queued') stale.push(id);
    });
    if (stale.length) {
      await client.multi().zrem(this.key('queue'), ...stale).hdel(this.key('queue', 'items'), ...stale).exec();
    }
    return out;
  }

  async listHeld(): Promise<ConversationRecord[]> {
    const client = await this.client();
    const ids = await client.smembers(this.key('held'));
    if (!ids.length) return [];
    const records = await this.records(client, ids);
    const gone = ids.filter((_, i) => records[i]?.state !== 'agent');
    if (gone.length) await client.srem(this.key('held'), ...gone);
    return records.filter((r): r is ConversationRecord => r?.state === 'agent');
  }

  async listConversations(options: { from: number; to: number; offset: number; limit: number }): Promise<ConversationRecord[]> {
    const client = await this.client();
    const out: ConversationRecord[] = [];
    let offset = options.offset;
    // Expired records leave ids behind in the history index; they are dropped as they are met.
    while (out.length < options.limit) {
      const ids = await client.zrevrangebyscore(this.key('history'), `(${options.to}`, options.from, 'LIMIT', offset, options.limit);
      if (!ids.length) break;
      const records = await this.records(client, ids);
      const gone = ids.filter((_, i) => !records[i]);
      if (gone.length) await client.zrem(this.key('history'), ...gone);
      out.push(...records.filter((r): r is ConversationRecord => r !== undefined));
      offset += ids.length - gone.length;
      if (ids.length < options.limit) break;
    }
    return out.slice(0, options.limit);
  }

  async appendEvent(event: unknown): Promise<string> {
    const client = await this.client();
    return (await client.xadd(this.key('events'), 'MAXLEN', '~', EVENTS_KEPT, '*', 'e', JSON.stringify(event))) as string;
  }

  private static parseEntries(entries: [string, string[]][]): StoredEvent[] {
    return entries.map(([id, fields]) => ({ id, event: JSON.parse(fields[1] ?? 'null') as unknown }));
  }

  async readEvents(afterId: string | undefined, limit: number): Promise<StoredEvent[]> {
    const client = await this.client();
    if (afterId !== undefined && !/^\d+-\d+$/.test(afterId)) return [];
    const entries = (await client.xrange(this.key('events'), afterId === undefined ? '-' : `(${afterId}`, '+', 'COUNT', limit)) as [string, string[]][];
    return RedisStore.parseEntries(entries);
  }

  async followEvents(handler: (event: StoredEvent) => void): Promise<Unsubscribe> {
    this.followers.add(handler);
    if (!this.following) {
      this.following = true;
      const client = await this.client();
      const last = (await client.xrevrange(this.key('events'), '+', '-', 'COUNT', 1)) as [string, string[]][];
      void this.follow(last[0]?.[0] ?? '0-0');
    }
    return async () => {
      this.followers.delete(handler);
    };
  }

  /** One blocking reader per instance, fanned out to this instance's followers. */
  private async follow(from: string): Promise<void> {
    let lastId = from;
    // A connection of its own: XREAD BLOCK would hold up every other command, and must outlive the command timeout.
    this.reader = connect(this.options, { commandTimeout: undefined, enableAutoPipelining: false });
    this.reader.on('error', () => undefined);
    while (!this.closed) {
      try {
        if (this.reader.status !== 'ready') await ready(this.reader, 2000);
        const reply = (await this.reader.xread('COUNT', 500, 'BLOCK', 2000, 'STREAMS', this.key('events'), lastId)) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const stored of RedisStore.parseEntries(entries)) {
            lastId = stored.id;
            for (const f of this.followers) f(stored);
          }
        }
      } catch {
        if (this.closed) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  async publish(channel: string, event: unknown): Promise<void> {
    await (await this.client()).publish(this.key('pubsub', channel), JSON.stringify(event));
  }

  async subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe> {
    const name = this.key('pubsub', channel);
    if (!this.subscriber) {
      // Subscriptions are restored by ioredis after a reconnect; they need the offline queue for that.
      this.subscriber = connect(this.options, { enableOfflineQueue: true, commandTimeout: undefined, enableAutoPipelining: false });
      this.subscriber.on('error', () => undefined);
      this.subscriber.on('message', (ch: string, message: string): void => {
        const event = JSON.parse(message) as unknown;
        for (const h of this.handlers.get(ch) ?? []) h(event);
      });
    }
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
      await this.subscriber.subscribe(name);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(name) === set) {
        this.handlers.delete(name);
        await this.subscriber?.unsubscribe(name);
      }
    };
  }

  async putSession(id: string, data: unknown, ttlSeconds: number): Promise<void> {
    await (await this.client()).set(this.key(`s:${id}`), JSON.stringify(data), 'EX', ttlSeconds);
  }

  async getSession(id: string): Promise<unknown> {
    const raw = await (await this.client()).get(this.key(`s:${id}`));
    return raw == null ? undefined : (JSON.parse(raw) as unknown);
  }

  async deleteSession(id: string): Promise<void> {
    await (await this.client()).del(this.key(`s:${id}`));
  }

  async putUser(user: User): Promise<void> {
    await (await this.client()).hset(this.key('users'), user.name, JSON.stringify(user));
  }

  async getUser(name: string): Promise<User | undefined> {
    const raw = await (await this.client()).hget(this.key('users'), name);
    return raw == null ? undefined : userSchema.parse(JSON.parse(raw));
  }

  async listUsers(): Promise<User[]> {
    const all = await (await this.client()).hvals(this.key('users'));
    return all.map((r) => userSchema.parse(JSON.parse(r))).sort((a, b) => a.name.localeCompare(b.name));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const key = this.key('audit');
    await (await this.client()).multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, MAX_AUDIT - 1).exec();
  }

  async listAudit(options: { since?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 1000;
    const since = options.since ?? 0;
    const raw = await (await this.client()).lrange(this.key('audit'), 0, MAX_AUDIT - 1);
    const out: AuditEntry[] = [];
    for (const r of raw) {
      const e = JSON.parse(r) as AuditEntry;
      if (e.at < since) break;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  async getFaqHead(intent: string): Promise<FaqVersion | undefined> {
    const client = await this.client();
    const key = this.key(`faq:${intent}`);
    const [length, raw] = await Promise.all([client.llen(key), client.lindex(key, -1)]);
    return raw == null ? undefined : { ...(JSON.parse(raw) as Omit<FaqVersion, 'version'>), version: length };
  }

  async listFaqVersions(intent: string): Promise<FaqVersion[]> {
    const raw = await (await this.client()).lrange(this.key(`faq:${intent}`), 0, -1);
    return raw.map((r, i) => ({ ...(JSON.parse(r) as Omit<FaqVersion, 'version'>), version: i + 1 }));
  }

  async appendFaqVersion(intent: string, expectedVersion: number, version: Omit<FaqVersion, 'version'>): Promise<'ok' | 'conflict'> {
    const client = await this.client();
    const ok = await this.scripts(client).hlFaqAppend!(this.key(`faq:${intent}`), expectedVersion, JSON.stringify(version));
    return ok === 1 ? 'ok' : 'conflict';
  }

  async appendStats(events: StatEvent[]): Promise<void> {
    if (!events.length) return;
    const key = this.key('stats');
    const oldest = (this.options.clock ?? Date.now)() - STATS_DAYS * DAY_MS;
    // A sorted set by time; the member carries a random suffix so that two equal events both count.
    const members = events.flatMap((e) => [e.at, `${JSON.stringify(e)}\u0000${randomUUID()}`]);
    await (await this.client()).multi().zadd(key, ...members).zremrangebyscore(key, '-inf', `(${oldest}`).exec();
  }

  async listStats(from: number, to: number): Promise<StatEvent[]> {
    const raw = await (await this.client()).zrangebyscore(this.key('stats'), from, `(${to}`);
    return raw.map((r) => JSON.parse(r.slice(0, r.indexOf('\u0000'))) as StatEvent);
  }

  async incrementCounter(key: string, ttlSeconds: number): Promise<number> {
    const client = await this.client();
    return Number(await this.scripts(client).hlIncrement!(this.key(`n:${key}`), ttlSeconds));
  }

  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await (await this.client()).set(this.key(`once:${key}`), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async ping(): Promise<void> {
    const client = await this.client();
    if (client instanceof Cluster) {
      // PING answers on a node of a failed cluster: the cluster's own verdict is asked of every master.
      const masters = client.nodes('master');
      if (!masters.length) throw new Error('no Redis Cluster master connected');
      const states = await Promise.all(masters.map((n) => n.call('CLUSTER', 'INFO')));
      if (states.some((s) => !String(s).includes('cluster_state:ok'))) throw new Error('Redis Cluster is down');
    } else await client.ping();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.subscriber?.quit(), this.redis.quit()]);
    this.reader?.disconnect();
  }
}
