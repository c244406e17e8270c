/**
 * The Store port: everything the service keeps. `memory.ts` (one process, the default) and `redis.ts`
 * (shared by several instances) implement it and pass one contract test suite. The store knows nothing of
 * conversation rules: it offers atomic primitives, and core/ and handoff/ decide.
 */

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

export type ConversationState = 'bot' | 'queued' | 'agent' | 'closed';

export interface ConversationRecord {
  id: string;
  /** Incremented by every successful update; the compare-and-set key. */
  version: number;
  state: ConversationState;
  locale: 'zh' | 'en';
  risk: 'none' | 'elevated' | 'high' | 'imminent';
  signals: string[];
  topic?: string | undefined;
  assignee?: string | undefined;
  createdAt: number;
  updatedAt: number;
  waitingSince?: number | undefined;
  /** A serialized Bot Framework conversation reference, for proactive messages. */
  reference?: Record<string, unknown> | undefined;
  meta: Record<string, unknown>;
}

export interface QueueItem {
  conversationId: string;
  risk: ConversationRecord['risk'];
  signals: string[];
  topic: string;
  waitingSince: number;
}

export type QueueOp = { op: 'put'; score: number; item: QueueItem } | { op: 'remove' };

export interface User {
  name: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin';
  passwordHash: string;
  createdAt: number;
  disabled?: boolean | undefined;
}

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
 * One fact for the federation's reports: no text, no personal data, only what happened to which chat when.
 * Kept for STATS_DAYS, longer than transcripts, because reports cover a year.
 */
export interface StatEvent {
  at: number;
  conversationId: string;
  kind: 'started' | 'risk' | 'topic' | 'queued' | 'claimed' | 'resolved';
  risk?: ConversationRecord['risk'] | undefined;
  topic?: string | undefined;
  /** For `claimed`: how long she waited in the queue. */
  waitMs?: number | undefined;
  outcome?: string | undefined;
}

export const STATS_DAYS = 400;

export type Unsubscribe = () => Promise<void>;

export interface Store {
  appendMessage(conversationId: string, entry: NewLogEntry): Promise<{ seq: number; duplicate: boolean }>;
  /** Entries with seq > afterSeq, oldest first. */
  readMessages(conversationId: string, afterSeq?: number, limit?: number): Promise<LogEntry[]>;

  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Atomic compare-and-set: stores `next` (with version expectedVersion + 1) only if the stored version is
   * `expectedVersion` (0: the record must not exist), together with the queue change.
   */
  updateConversation(id: string, expectedVersion: number, next: ConversationRecord, queue?: QueueOp): Promise<'ok' | 'conflict'>;
  /** Queue items, smallest score first. */
  listQueue(): Promise<{ item: QueueItem; score: number }[]>;
  /** Conversations a person holds now (state `agent`), in no particular order. */
  listHeld(): Promise<ConversationRecord[]>;

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
  /** True the first time only, within the TTL (a retried delivery never shows twice). */
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

export const DAY_MS = 24 * 3600 * 1000;
