/**
 * The shared store on Redis: several instances behind a load balancer, state kept across restarts.
 * Logs are a list plus an id->seq hash (idempotent append in Lua), conversations are JSON strings with a
 * version (compare-and-set in Lua, together with the queue's sorted set), events go over pub/sub.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type {
  AuditEntry,
  ConversationRecord,
  FaqVersion,
  StatEvent,
  LogEntry,
  NewLogEntry,
  QueueItem,
  QueueOp,
  Store,
  StoreOptions,
  Unsubscribe,
  User,
} from './store.js';
import { DAY_MS, STATS_DAYS } from './store.js';

const MAX_AUDIT = 100_000;

/** KEYS: log list, id hash. ARGV: id, entry JSON (without seq), ttl seconds. Returns {seq, duplicate}. */
const APPEND = `
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  redis.call('EXPIRE', KEYS[1], ARGV[3]); redis.call('EXPIRE', KEYS[2], ARGV[3])
  return {tonumber(existing), 1}
end
local seq = redis.call('LLEN', KEYS[1]) + 1
local entry = cjson.decode(ARGV[2])
entry['seq'] = seq
redis.call('RPUSH', KEYS[1], cjson.encode(entry))
redis.call('HSET', KEYS[2], ARGV[1], seq)
redis.call('EXPIRE', KEYS[1], ARGV[3]); redis.call('EXPIRE', KEYS[2], ARGV[3])
return {seq, 0}
`;

/**
 * KEYS: record, queue zset, queue items hash. ARGV: id, expected version, record JSON, ttl, queue op
 * ('put' | 'remove' | ''), score, item JSON. The version check, the write and the queue change are one step.
 */
const UPDATE = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then version = cjson.decode(current)['version'] end
if version ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
if cjson.decode(ARGV[3])['state'] == 'agent' then
  redis.call('SADD', KEYS[4], ARGV[1])
else
  redis.call('SREM', KEYS[4], ARGV[1])
end
if ARGV[5] == 'put' then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[7])
elseif ARGV[5] == 'remove' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return 1
`;

/** KEYS: versions list. ARGV: expected version, version JSON (without number). */
const FAQ_APPEND = `
local n = redis.call('LLEN', KEYS[1])
if n ~= tonumber(ARGV[1]) then return 0 end
local v = cjson.decode(ARGV[2])
v['version'] = n + 1
redis.call('RPUSH', KEYS[1], cjson.encode(v))
return 1
`;

/** KEYS: counter. ARGV: ttl seconds. */
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export interface RedisStoreOptions extends StoreOptions {
  /** redis://, rediss:// or unix:///path/to/socket */
  url: string;
  keyPrefix?: string;
}

function connectionOptions(url: string): { url?: string; options: RedisOptions } {
  const base: RedisOptions = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
  if (url.startsWith('unix://')) return { options: { ...base, path: url.slice('unix://'.length) } };
  return { url, options: base };
}

function makeClient(url: string): Redis {
  const { url: u, options } = connectionOptions(url);
  return u ? new Redis(u, options) : new Redis(options);
}

function json<T>(raw: string | null | undefined): T | undefined {
  return raw == null ? undefined : (JSON.parse(raw) as T);
}

export class RedisStore implements Store {
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<(event: unknown) => void>>();
  private readonly prefix: string;
  private readonly retentionSeconds: number;

  constructor(private readonly options: RedisStoreOptions) {
    this.redis = makeClient(options.url);
    // Errors surface on the calls; an unhandled 'error' event would crash the process instead.
    this.redis.on('error', () => undefined);
    this.prefix = options.keyPrefix ?? 'hotline:';
    this.retentionSeconds = Math.ceil((options.retentionDays * DAY_MS) / 1000);
    this.redis.defineCommand('hlAppend', { numberOfKeys: 2, lua: APPEND });
    this.redis.defineCommand('hlUpdate', { numberOfKeys: 4, lua: UPDATE });
    this.redis.defineCommand('hlFaqAppend', { numberOfKeys: 1, lua: FAQ_APPEND });
    this.redis.defineCommand('hlIncrement', { numberOfKeys: 1, lua: INCREMENT });
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private get scripts(): Record<string, (...args: (string | number)[]) => Promise<unknown>> {
    return this.redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  }

  async appendMessage(conversationId: string, entry: NewLogEntry): Promise<{ seq: number; duplicate: boolean }> {
    const [seq, duplicate] = (await this.scripts.hlAppend!(
      this.key('log', conversationId),
      this.key('logids', conversationId),
      entry.id,
      JSON.stringify(entry),
      this.retentionSeconds,
    )) as [number, number];
    return { seq, duplicate: duplicate === 1 };
  }

  async readMessages(conversationId: string, afterSeq = 0, limit?: number): Promise<LogEntry[]> {
    const start = Math.max(0, afterSeq);
    const stop = limit === undefined ? -1 : start + limit - 1;
    const raw = await this.redis.lrange(this.key('log', conversationId), start, stop);
    return raw.map((r) => JSON.parse(r) as LogEntry);
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return json<ConversationRecord>(await this.redis.get(this.key('conv', id)));
  }

  async updateConversation(id: string, expectedVersion: number, next: ConversationRecord, queue?: QueueOp): Promise<'ok' | 'conflict'> {
    const record = { ...next, id, version: expectedVersion + 1 };
    const ok = await this.scripts.hlUpdate!(
      this.key('conv', id),
      this.key('queue'),
      this.key('queueitems'),
      this.key('held'),
      id,
      expectedVersion,
      JSON.stringify(record),
      this.retentionSeconds,
      queue?.op ?? '',
      queue?.op === 'put' ? queue.score : 0,
      queue?.op === 'put' ? JSON.stringify(queue.item) : '',
    );
    return ok === 1 ? 'ok' : 'conflict';
  }

  async listQueue(): Promise<{ item: QueueItem; score: number }[]> {
    const reply = (await this.redis.call('ZRANGE', this.key('queue'), '0', '-1', 'WITHSCORES')) as (string | [string, string])[];
    if (!reply.length) return [];
    // RESP2 answers member, score, member, score...; RESP3 answers [member, score] pairs.
    const pairs: [string, string][] = Array.isArray(reply[0])
      ? (reply as [string, string][])
      : Array.from({ length: reply.length / 2 }, (_, i) => [reply[2 * i] as string, reply[2 * i + 1] as string]);
    const ids = pairs.map((p) => p[0]);
    const scores = pairs.map((p) => Number(p[1]));
    const items = await this.redis.hmget(this.key('queueitems'), ...ids);
    const out: { item: QueueItem; score: number }[] = [];
    items.forEach((raw, i) => {
      if (raw) out.push({ item: JSON.parse(raw) as QueueItem, score: scores[i]! });
    });
    return out;
  }

  async listHeld(): Promise<ConversationRecord[]> {
    const ids = await this.redis.smembers(this.key('held'));
    if (!ids.length) return [];
    const raw = await this.redis.mget(...ids.map((id) => this.key('conv', id)));
    // A record that expired (retention) leaves its id behind: drop it here.
    const gone = ids.filter((_, i) => raw[i] == null);
    if (gone.length) await this.redis.srem(this.key('held'), ...gone);
    return raw.filter((r): r is string => r != null).map((r) => JSON.parse(r) as ConversationRecord).filter((r) => r.state === 'agent');
  }

  async publish(channel: string, event: unknown): Promise<void> {
    await this.redis.publish(this.key('events', channel), JSON.stringify(event));
  }

  async subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe> {
    const name = this.key('events', channel);
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate();
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
    await this.redis.set(this.key('session', id), JSON.stringify(data), 'EX', ttlSeconds);
  }

  async getSession(id: string): Promise<unknown> {
    return json(await this.redis.get(this.key('session', id)));
  }

  async deleteSession(id: string): Promise<void> {
    await this.redis.del(this.key('session', id));
  }

  async putUser(user: User): Promise<void> {
    await this.redis.hset(this.key('users'), user.name, JSON.stringify(user));
  }

  async getUser(name: string): Promise<User | undefined> {
    return json<User>(await this.redis.hget(this.key('users'), name));
  }

  async listUsers(): Promise<User[]> {
    const all = await this.redis.hvals(this.key('users'));
    return all.map((r) => JSON.parse(r) as User).sort((a, b) => a.name.localeCompare(b.name));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.redis.multi().lpush(this.key('audit'), JSON.stringify(entry)).ltrim(this.key('audit'), 0, MAX_AUDIT - 1).exec();
  }

  async listAudit(options: { since?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 1000;
    const since = options.since ?? 0;
    const raw = await this.redis.lrange(this.key('audit'), 0, MAX_AUDIT - 1);
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
    return json<FaqVersion>(await this.redis.lindex(this.key('faq', intent), -1));
  }

  async listFaqVersions(intent: string): Promise<FaqVersion[]> {
    return (await this.redis.lrange(this.key('faq', intent), 0, -1)).map((r) => JSON.parse(r) as FaqVersion);
  }

  async appendFaqVersion(intent: string, expectedVersion: number, version: Omit<FaqVersion, 'version'>): Promise<'ok' | 'conflict'> {
    const ok = await this.scripts.hlFaqAppend!(this.key('faq', intent), expectedVersion, JSON.stringify(version));
    return ok === 1 ? 'ok' : 'conflict';
  }

  async appendStats(events: StatEvent[]): Promise<void> {
    if (!events.length) return;
    const key = this.key('stats');
    const oldest = (this.options.clock ?? Date.now)() - STATS_DAYS * DAY_MS;
    // A sorted set by time; the member carries a random suffix so that two equal events both count.
    const members = events.flatMap((e) => [e.at, `${JSON.stringify(e)}\u0000${randomUUID()}`]);
    await this.redis.multi().zadd(key, ...members).zremrangebyscore(key, '-inf', `(${oldest}`).exec();
  }

  async listStats(from: number, to: number): Promise<StatEvent[]> {
    const raw = await this.redis.zrangebyscore(this.key('stats'), from, `(${to}`);
    return raw.map((r) => JSON.parse(r.slice(0, r.indexOf('\u0000'))) as StatEvent);
  }

  async incrementCounter(key: string, ttlSeconds: number): Promise<number> {
    return Number(await this.scripts.hlIncrement!(this.key('counter', key), ttlSeconds));
  }

  async markOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.key('once', key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber?.quit(), this.redis.quit()]);
  }
}
