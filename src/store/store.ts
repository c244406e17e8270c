/**
 * The Store port: everything the service keeps. `memory.ts` (one process, the default) and `redis.ts`
 * (shared by several instances) implement it and pass one contract test suite. The store knows nothing of
 * conversation rules: it offers atomic primitives, and core/ and handoff/ decide. Record types come from core.
 */
import type { ConversationRecord, User } from '../core/record.js';
import type { RiskLevel } from '../core/types.js';

export type { ConversationRecord, User };

export type Author = 'user' | 'bot' | 'agent' | 'system';

export interface NewLogEntry {
  /** Unique per message: a retry with the same id is not appended twice. */
  id: string;
  from: Author;
  at: number;
  text?: string | undefined;
  /** The Bot Framework activity as sent or received, for channels that replay it. */
  activity?: Record<string, unknown> | undefined;
}

export interface LogEntry extends NewLogEntry {
  seq: number;
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
}

export interface QueueItem {
  conversationId: string;
  risk: RiskLevel;
  signals: string[];
  topic: string;
  waitingSince: number;
  /** Queued while nobody was online. */
  offline?: boolean | undefined;
}

export type QueueOp = { op: 'put'; score: number; item: QueueItem } | { op: 'remove' };

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  conversationId?: string | undefined;
  detail?: string | undefined;
}

export interface FaqVersion {
  version: number;
  doc: unknown;
  at: number;
  author: string;
  note?: string | undefined;
}

/**
 * One fact for the federation's reports: no text, no personal data, only codes: what happened to which chat
 * when. Kept for STATS_DAYS, longer than transcripts, because reports cover a year.
 */
export interface StatEvent {
  at: number;
  conversationId: string;
  kind: 'started' | 'risk' | 'topic' | 'queued' | 'claimed' | 'resolved' | 'callback' | 'callback_done';
  risk?: RiskLevel | undefined;
  topic?: string | undefined;
  /** For `claimed`: how long she waited in the queue. For `resolved`: how long the agent held it. */
  waitMs?: number | undefined;
  outcome?: string | undefined;
  /** For `claimed` and `resolved`: the staff member (a login name is a code here, not her data). */
  agent?: string | undefined;
}

export const STATS_DAYS = 400;

/** An event for staff consoles, numbered by the store so that a console resumes on any instance. */
export interface StoredEvent {
  id: string;
  event: unknown;
}

export type Unsubscribe = () => Promise<void>;

export class LogFullError extends Error {
  override name = 'LogFullError';
}

export interface Store {
  /**
   * Appends idempotently on `entry.id`. With `maxEntries`, a log that holds that many entries already refuses
   * the entry with LogFullError (a retry of an entry already stored still answers its seq).
   */
  appendMessage(conversationId: string, entry: NewLogEntry, options?: { maxEntries?: number }): Promise<AppendResult>;
  /** Entries with seq > afterSeq, oldest first. */
  readMessages(conversationId: string, afterSeq?: number, limit?: number): Promise<LogEntry[]>;

  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Atomic compare-and-set: stores `next` (with version expectedVersion + 1) only if the stored version is
   * `expectedVersion` (0: the record must not exist), with the queue change. A queued record is always in the
   * queue listing; an item whose record has left the queue (or expired) is never listed.
   */
  updateConversation(id: string, expectedVersion: number, next: ConversationRecord, queue?: QueueOp): Promise<'ok' | 'conflict'>;
  /** Queue items, smallest score first. */
  listQueue(): Promise<{ item: QueueItem; score: number }[]>;
  /** Conversations a person holds now (state `agent`), in no particular order. */
  listHeld(): Promise<ConversationRecord[]>;
  /** Conversations that were active in [from, to) by their last update, newest first, from `offset`, up to `limit`. */
  listConversations(options: { from: number; to: number; offset: number; limit: number }): Promise<ConversationRecord[]>;

  /** Events for staff consoles: appended with an id that orders them, kept for the last `EVENTS_KEPT`. */
  appendEvent(event: unknown): Promise<string>;
  /** Events after `afterId` (all kept ones when undefined), oldest first. */
  readEvents(afterId: string | undefined, limit: number): Promise<StoredEvent[]>;
  /** Calls `handler` with every event appended from now on, on any instance, in order. */
  followEvents(handler: (event: StoredEvent) => void): Promise<Unsubscribe>;

  publish(channel: string, event: unknown): Promise<void>;
  subscribe(channel: string, handler: (event: unknown) => void): Promise<Unsubscribe>;

  putSession(id: string, data: unknown, ttlSeconds: number): Promise<void>;
  getSession(id: string): Promise<unknown>;
  deleteSession(id: string): Promise<void>;

  putUser(user: User): Promise<void>;
  getUser(name: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(options?: { since?: number; limit?: number }): Promise<AuditEntry[]>;

  getFaqHead(intent: string): Promise<FaqVersion | undefined>;
  listFaqVersions(intent: string): Promise<FaqVersion[]>;
  appendFaqVersion(intent: string, expectedVersion: number, version: Omit<FaqVersion, 'version'>): Promise<'ok' | 'conflict'>;

  appendStats(events: StatEvent[]): Promise<void>;
  /** Events with from <= at < to, oldest first. */
  listStats(from: number, to: number): Promise<StatEvent[]>;

  /** The count in the window that the first increment opened (rate limits). */
  incrementCounter(key: string, ttlSeconds: number): Promise<number>;
  /** True the first time only, within the TTL: a retried delivery never shows twice, a timer runs once. */
  markOnce(key: string, ttlSeconds: number): Promise<boolean>;

  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  retentionDays: number;
  /** For tests: the time source for expiry. */
  clock?: () => number;
}

export const EVENTS_KEPT = 10_000;
