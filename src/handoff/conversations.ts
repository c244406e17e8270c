/**
 * Conversation records on top of the Store's compare-and-set: read, change, write, retry on a concurrent
 * change. The dialogue's memory and the handoff state both live in the one record.
 */
import { queueScore } from '../core/priority.js';
import { transition, type ConversationView, type DialogueMemory, type Transition } from '../core/conversation.js';
import { riskRank, type Locale, type RiskLevel, type Screening, type TopicId } from '../core/types.js';
import type { ConversationRecord, QueueItem, StatEvent, Store } from '../store/store.js';

const MAX_ATTEMPTS = 20;

export class ConversationConflictError extends Error {
  override name = 'ConversationConflictError';
}

export class ConversationNotFoundError extends Error {
  override name = 'ConversationNotFoundError';
}

type QueueOp = Parameters<Store['updateConversation']>[3];

export interface Change {
  next: ConversationRecord;
  queue?: QueueOp;
}

export function newConversation(id: string, now: number, locale: Locale = 'zh'): ConversationRecord {
  return {
    id,
    version: 0,
    state: 'bot',
    locale,
    risk: 'none',
    signals: [],
    topic: undefined,
    createdAt: now,
    updatedAt: now,
    meta: {},
  };
}

export function queueItemOf(record: ConversationRecord): QueueItem {
  return {
    conversationId: record.id,
    risk: record.risk,
    signals: record.signals,
    topic: record.topic ?? 'out_of_scope',
    waitingSince: record.waitingSince ?? record.updatedAt,
  };
}

export function queuePut(record: ConversationRecord): QueueOp {
  const item = queueItemOf(record);
  return { op: 'put', score: queueScore(item.risk as RiskLevel, item.waitingSince), item };
}

/** What a change means for the federation's reports: a new chat, a risk rise, a topic, a queue entry, a claim, a resolve. */
export function statEvents(before: ConversationRecord | undefined, after: ConversationRecord, at: number): StatEvent[] {
  const base = { at, conversationId: after.id };
  const events: StatEvent[] = [];
  const prev = before ?? newConversation(after.id, at);
  if (!before) events.push({ ...base, kind: 'started' });
  if (riskRank(after.risk as RiskLevel) > riskRank(prev.risk as RiskLevel)) events.push({ ...base, kind: 'risk', risk: after.risk });
  if (after.topic && after.topic !== prev.topic) events.push({ ...base, kind: 'topic', topic: after.topic });
  if (after.state === 'queued' && prev.state !== 'queued') events.push({ ...base, kind: 'queued', risk: after.risk });
  if (after.state === 'agent' && prev.state === 'queued') events.push({ ...base, kind: 'claimed', waitMs: Math.max(0, at - (prev.waitingSince ?? prev.updatedAt)) });
  if (after.meta.resolvedAt !== undefined && after.meta.resolvedAt !== prev.meta.resolvedAt) events.push({ ...base, kind: 'resolved', outcome: String(after.meta.outcome) });
  return events;
}

export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(id: string): Promise<ConversationRecord | undefined> {
    return this.store.getConversation(id);
  }

  /**
   * Applies `change` atomically. `change` sees the current record (a fresh one if there is none) and returns
   * the next record and queue operation, or undefined to leave it as it is. It may run more than once.
   */
  async mutate(
    id: string,
    change: (current: ConversationRecord, exists: boolean) => Change | undefined,
  ): Promise<ConversationRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.getConversation(id);
      const current = stored ?? newConversation(id, this.clock());
      const result = change(structuredClone(current), stored !== undefined);
      if (!result) return current;
      const next = { ...result.next, id, version: current.version + 1, updatedAt: this.clock() };
      const outcome = await this.store.updateConversation(id, current.version, next, result.queue);
      if (outcome === 'ok') {
        // Reports are best effort and off the critical path: a lost report event never costs her a message or
        // delays a claim. (On one connection, Redis still applies it before any later command.)
        void this.store.appendStats(statEvents(stored, next, this.clock())).catch(() => undefined);
        return next;
      }
    }
    throw new ConversationConflictError(`conversation ${id} kept changing under us`);
  }

  /**
   * Applies a state transition from core (which throws IllegalTransitionError for a move not allowed).
   * `guard` sees the record before the move and may refuse it by throwing; `update` adds to the new record.
   */
  async move(
    id: string,
    move: Transition,
    options: { guard?: (current: ConversationRecord) => void; update?: (next: ConversationRecord) => void } = {},
  ): Promise<ConversationRecord> {
    return this.mutate(id, (current, exists) => {
      if (!exists) throw new ConversationNotFoundError(`no conversation ${id}`);
      options.guard?.(current);
      const view = transition({ state: current.state, assignee: current.assignee }, move);
      const next: ConversationRecord = { ...current, state: view.state, assignee: view.assignee };
      options.update?.(next);
      if (view.state === 'queued') {
        next.waitingSince ??= this.clock();
        return { next, queue: queuePut(next) };
      }
      return { next, queue: current.state === 'queued' ? { op: 'remove' } : undefined };
    });
  }

  // --- the dialogue's view of a conversation ---

  async load(id: string): Promise<ConversationView> {
    const record = await this.store.getConversation(id);
    if (!record) return { state: 'bot', memory: undefined };
    return { state: record.state, memory: record.meta.dialogue as DialogueMemory | undefined };
  }

  async save(
    id: string,
    memory: DialogueMemory,
    turn: { risk: Screening; escalate: boolean; topic?: TopicId | undefined },
  ): Promise<void> {
    await this.mutate(id, (current) => {
      const next: ConversationRecord = {
        ...current,
        locale: memory.locale,
        risk: turn.risk.level,
        signals: turn.risk.signals,
        topic: turn.topic ?? current.topic,
        meta: { ...current.meta, dialogue: memory },
      };
      if (!turn.escalate) {
        return { next, queue: undefined };
      }
      if (current.state === 'bot') {
        next.state = 'queued';
        next.waitingSince = this.clock();
        return { next, queue: queuePut(next) };
      }
      if (current.state === 'queued' && riskRank(turn.risk.level) > riskRank(current.risk as RiskLevel)) {
        // A new danger signal in a waiting chat re-orders it at once.
        return { next, queue: queuePut(next) };
      }
      return { next, queue: undefined };
    });
  }
}
