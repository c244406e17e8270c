/**
 * Conversation records on top of the Store's compare-and-set: read, change, write, retry on a concurrent
 * change. The dialogue's memory and the handoff state both live in the one record.
 */
import { queueScore } from '../core/priority.js';
import { transition, type ConversationView, type Transition } from '../core/conversation.js';
import { newConversation, type Callback, type Channel, type ConversationRecord, type DialogueMemory } from '../core/record.js';
import type { CallbackPatch } from '../core/record.js';
import { riskRank, type Screening, type TopicId } from '../core/types.js';
import type { QueueItem, QueueOp, StatEvent, Store } from '../store/store.js';

const MAX_ATTEMPTS = 20;

export class ConversationConflictError extends Error {
  override name = 'ConversationConflictError';
}

export class ConversationNotFoundError extends Error {
  override name = 'ConversationNotFoundError';
}

export interface Change {
  next: ConversationRecord;
  queue?: QueueOp | undefined;
}

/** The channel a conversation belongs to, from the form of its id: each channel makes its own kind. */
export function channelOf(id: string): Channel {
  if (id.startsWith('bf-')) return 'botframework';
  if (id.startsWith('cli-')) return 'cli';
  return 'directline';
}

export function queueItemOf(record: ConversationRecord): QueueItem {
  return {
    conversationId: record.id,
    risk: record.risk,
    signals: record.signals,
    topic: record.topic ?? 'out_of_scope',
    waitingSince: record.waitingSince ?? record.updatedAt,
    offline: record.queuedOffline || undefined,
  };
}

export function queuePut(record: ConversationRecord): QueueOp {
  const item = queueItemOf(record);
  return { op: 'put', score: queueScore(item.risk, item.waitingSince), item };
}

/** What a change means for the federation's reports, in codes only: no text ever goes into a statistic. */
export function statEvents(before: ConversationRecord | undefined, after: ConversationRecord, at: number): StatEvent[] {
  const base = { at, conversationId: after.id };
  const events: StatEvent[] = [];
  const prev = before ?? newConversation(after.id, after.channel, at);
  if (!before) events.push({ ...base, kind: 'started' });
  if (riskRank(after.risk) > riskRank(prev.risk)) events.push({ ...base, kind: 'risk', risk: after.risk });
  if (after.topic && after.topic !== prev.topic) events.push({ ...base, kind: 'topic', topic: after.topic });
  if (after.state === 'queued' && prev.state !== 'queued') events.push({ ...base, kind: 'queued', risk: after.risk });
  if (after.state === 'agent' && prev.state === 'queued') {
    events.push({ ...base, kind: 'claimed', agent: after.assignee, waitMs: Math.max(0, at - (prev.waitingSince ?? prev.updatedAt)) });
  }
  if (after.resolution && after.resolution.at !== prev.resolution?.at) {
    events.push({ ...base, kind: 'resolved', outcome: after.resolution.outcome, agent: after.resolution.by });
  }
  if (after.callback && after.callback.requestedAt !== prev.callback?.requestedAt) events.push({ ...base, kind: 'callback', outcome: after.callback.kind });
  if (after.callback?.state === 'done' && prev.callback?.state !== 'done') events.push({ ...base, kind: 'callback_done', outcome: after.callback.result });
  return events;
}

export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    /** When a callback she asks for while nobody is online falls due: the next staffed moment. */
    private readonly callbackDue: (now: number) => number = (now) => now,
  ) {}

  async get(id: string): Promise<ConversationRecord | undefined> {
    return this.store.getConversation(id);
  }

  /**
   * Applies `change` atomically. `change` sees the current record (a fresh one if there is none) and returns
   * the next record and queue operation, or undefined to leave it as it is. It may run more than once.
   */
  async mutate(id: string, change: (current: ConversationRecord, exists: boolean) => Change | undefined): Promise<ConversationRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.store.getConversation(id);
      const current = stored ?? newConversation(id, channelOf(id), this.clock());
      const result = change(structuredClone(current), stored !== undefined);
      if (!result) return current;
      const next = { ...result.next, id, version: current.version + 1, updatedAt: this.clock() };
      const outcome = await this.store.updateConversation(id, current.version, next, result.queue);
      if (outcome === 'ok') {
        // Reports are best effort and off the critical path: a lost report event never costs her a message or
        // delays a claim.
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
      return this.moved(current, move, options.update);
    });
  }

  /** The record after a transition, with the queue change it implies. */
  private moved(current: ConversationRecord, move: Transition, update?: (next: ConversationRecord) => void): Change {
    const view = transition({ state: current.state, assignee: current.assignee }, move);
    const next: ConversationRecord = { ...current, state: view.state, assignee: view.assignee };
    if (view.assignee && !next.heldBy.includes(view.assignee)) next.heldBy = [...next.heldBy, view.assignee];
    if (view.state === 'queued' && current.state !== 'queued') {
      next.waitingSince = this.clock();
      next.toldPosition = undefined;
    }
    update?.(next);
    if (view.state === 'queued') return { next, queue: queuePut(next) };
    return { next, queue: current.state === 'queued' ? { op: 'remove' } : undefined };
  }

  // --- the dialogue's view of a conversation ---

  /** She chose a language: the bot answers in it from now on (until she writes in the other). */
  async relocalize(id: string, locale: DialogueMemory['locale']): Promise<ConversationRecord> {
    return this.mutate(id, (current) => ({
      next: { ...current, locale, memory: current.memory ? { ...current.memory, locale } : { locale, screenings: [], lastWasMiss: false, turns: 0, emergencyGiven: [], named: [], welcomed: true } },
    }));
  }

  /** Marks the conversation as welcomed; false when it was already (the welcome is said once). */
  async welcome(id: string, locale: DialogueMemory['locale']): Promise<boolean> {
    let first = false;
    await this.mutate(id, (current) => {
      first = !current.memory?.welcomed;
      if (!first) return undefined;
      const memory: DialogueMemory = current.memory
        ? { ...current.memory, welcomed: true }
        : { locale, screenings: [], lastWasMiss: false, turns: 0, emergencyGiven: [], named: [], welcomed: true };
      return { next: { ...current, locale, memory } };
    });
    return first;
  }

  async load(id: string): Promise<ConversationView> {
    const record = await this.store.getConversation(id);
    if (!record) return { state: 'bot', memory: undefined };
    return { state: record.state, memory: record.memory };
  }

  /**
   * Saves the turn: the dialogue's memory, the risk, the topic; with `escalate`, the chat goes to the queue
   * (through core's `enqueue`), or a waiting chat is re-ordered when its risk rose. `offline`: nobody was online.
   */
  async save(
    id: string,
    memory: DialogueMemory,
    turn: { risk: Screening; escalate: boolean; topic?: TopicId | undefined; offline?: boolean | undefined; callback?: CallbackPatch | undefined },
  ): Promise<ConversationRecord> {
    return this.mutate(id, (current) => {
      const now = this.clock();
      const next: ConversationRecord = {
        ...current,
        locale: memory.locale,
        risk: turn.risk.level,
        signals: turn.risk.signals,
        topic: turn.topic ?? current.topic,
        memory,
        lastUserAt: now,
      };
      if (turn.callback) {
        // What she leaves for staff stays in her record (and expires with it); reports only count that it exists.
        const open = current.callback?.state === 'open' ? current.callback : undefined;
        next.callback = {
          ...(open ?? { kind: 'offline_request', requestedAt: now, due: this.callbackDue(now), doNotContact: false, state: 'open' }),
          ...turn.callback,
        } as Callback;
      }
      if (!turn.escalate) return { next };
      if (current.state === 'bot') {
        return this.moved(next, { type: 'enqueue' }, (r) => {
          r.queuedOffline = turn.offline ?? false;
        });
      }
      if (current.state === 'queued' && riskRank(turn.risk.level) > riskRank(current.risk)) {
        // A new danger signal in a waiting chat re-orders it at once.
        return { next, queue: queuePut(next) };
      }
      return { next };
    });
  }
}
