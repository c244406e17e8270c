/**
 * The live-agent side of a chat: the queue as staff see it, claim (exactly one winner), release, transfer,
 * resolve and close, agent messages to the user, and what she is told while she waits.
 */
import { randomUUID } from 'node:crypto';
import { IllegalTransitionError } from '../core/conversation.js';
import type { Logger } from '../log.js';
import type { ConversationRecord, QueueItem, Store } from '../store/store.js';
import { ConversationConflictError, ConversationNotFoundError, type Conversations } from './conversations.js';
import { publishEvent } from './events.js';
import { HANDOFF_TEXT } from './messages.js';

export interface Agent {
  name: string;
  displayName: string;
  /** A supervisor may release or transfer a chat that someone else holds. */
  mayReassign?: boolean;
}

export interface QueueView extends QueueItem {
  position: number;
}

/** A message to the user from outside her own turn: delivered through the channel she wrote from. */
export interface Outgoing {
  id: string;
  from: { id: string; name: string };
  kind: string;
  text?: string;
  /** An event instead of a message: the Bot Framework's `handoff.status`. */
  event?: { name: string; value: unknown };
}
export type Deliver = (record: ConversationRecord, message: Outgoing) => Promise<void>;

export class ClaimConflictError extends Error {
  override name = 'ClaimConflictError';
}

export class NotAssigneeError extends Error {
  override name = 'NotAssigneeError';
}

const BOT_FROM = { id: 'hotline-bot', name: 'Hotline assistant' };

/** She hears of her place in the queue at most this often. */
const POSITION_EVERY_MS = 30_000;

export class Handoff {
  constructor(
    private readonly deps: {
      store: Store;
      conversations: Conversations;
      deliver: Deliver;
      log: Logger;
      clock: () => number;
      queueTimeoutMinutes: number;
    },
  ) {}

  async queue(): Promise<QueueView[]> {
    return (await this.deps.store.listQueue()).map(({ item }, i) => ({ ...item, position: i + 1 }));
  }

  /** Exactly one of many concurrent claims wins; the others get ClaimConflictError. */
  async claim(conversationId: string, agent: Agent): Promise<ConversationRecord> {
    let record: ConversationRecord;
    try {
      record = await this.deps.conversations.move(conversationId, { type: 'claim', agent: agent.name }, {
        update: (r) => {
          r.meta = { ...r.meta, assigneeDisplayName: agent.displayName };
        },
      });
    } catch (err) {
      if (err instanceof IllegalTransitionError || err instanceof ConversationConflictError) {
        throw new ClaimConflictError(`conversation ${conversationId} is not waiting to be claimed`);
      }
      throw err;
    }
    await this.changed(conversationId);
    await this.status(record, 'accepted');
    await this.tell(record, `joined:${conversationId}:${record.version}`, HANDOFF_TEXT.joined(record.locale, agent.displayName), 'status');
    return record;
  }

  async release(conversationId: string, agent: Agent): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'release' }, { guard: (r) => this.mustHold(r, agent, true) });
    await this.changed(conversationId);
    return record;
  }

  async transfer(conversationId: string, agent: Agent, to: Agent): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'transfer', to: to.name }, {
      guard: (r) => this.mustHold(r, agent, true),
      update: (r) => {
        r.meta = { ...r.meta, assigneeDisplayName: to.displayName };
      },
    });
    await this.tell(record, `joined:${conversationId}:${record.version}`, HANDOFF_TEXT.joined(record.locale, to.displayName), 'status');
    return record;
  }

  /** The person is done: the bot answers again, and says so. The outcome is kept for the federation's reports. */
  async resolve(conversationId: string, agent: Agent, outcome: string): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'resolve' }, {
      guard: (r) => this.mustHold(r, agent),
      update: (r) => {
      // The danger that brought her here is handled: the bot must not hand her straight back, but it keeps
      // the offer of a person in view.
      const memory = r.meta.dialogue as { screenings?: unknown[] } | undefined;
      const screenings = r.risk === 'none' ? [] : [{ level: 'elevated', signals: [] }];
      r.meta = { ...r.meta, outcome, resolvedAt: this.deps.clock(), dialogue: memory ? { ...memory, screenings } : memory };
      },
    });
    await this.status(record, 'completed');
    await this.tell(record, `resolved:${conversationId}:${record.version}`, HANDOFF_TEXT.resolved(record.locale), 'status');
    return record;
  }

  async close(conversationId: string): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'close' });
    await this.changed(conversationId);
    await this.tell(record, `closed:${conversationId}:${record.version}`, HANDOFF_TEXT.closed(record.locale), 'status');
    return record;
  }

  /** An agent's reply, stored in the transcript and delivered to her; only the agent holding the chat may write. */
  async agentMessage(conversationId: string, agent: Agent, text: string): Promise<void> {
    const record = await this.deps.conversations.get(conversationId);
    if (!record) throw new ConversationNotFoundError(`no conversation ${conversationId}`);
    this.mustHold(record, agent);
    await this.deps.deliver(record, { id: randomUUID(), text, from: { id: `agent:${agent.name}`, name: agent.displayName }, kind: 'agent' });
  }

  /**
   * Tells every waiting user her place when it changed (at most every 30 s), and, once, when she has waited
   * past the timeout: the honest truth and the numbers to call, with an alert for the supervisors.
   */
  async tick(): Promise<void> {
    const now = this.deps.clock();
    for (const item of await this.queue()) {
      const record = await this.deps.conversations.get(item.conversationId);
      if (!record || record.state !== 'queued') continue;
      const told = record.meta.toldPosition as { position: number; at: number } | undefined;
      if (!told || (told.position !== item.position && now - told.at >= POSITION_EVERY_MS)) {
        await this.tell(record, `position:${record.id}:${item.position}:${now}`, HANDOFF_TEXT.position(record.locale, item.position), 'status');
        await this.deps.conversations.mutate(record.id, (r) => ({ next: { ...r, meta: { ...r.meta, toldPosition: { position: item.position, at: now } } } }));
      }
      const waited = now - item.waitingSince;
      if (waited >= this.deps.queueTimeoutMinutes * 60_000 && (await this.deps.store.markOnce(`timeout:${record.id}:${item.waitingSince}`, 86_400))) {
        await this.tell(record, `timeout:${record.id}:${item.waitingSince}`, HANDOFF_TEXT.timeout(record.locale), 'status');
        await publishEvent(this.deps.store, { type: 'supervisor.alert', conversationId: record.id, reason: 'queue_timeout', waitingSince: item.waitingSince });
        this.deps.log.warn({ conversationId: record.id, waitedMinutes: Math.round(waited / 60_000) }, 'chat waiting past the timeout');
      }
    }
  }

  private mustHold(record: ConversationRecord, agent: Agent, reassigning = false): void {
    if (reassigning && agent.mayReassign && record.state === 'agent') return;
    if (record.state !== 'agent' || record.assignee !== agent.name) {
      throw new NotAssigneeError(`conversation ${record.id} is not held by ${agent.name}`);
    }
  }

  private async changed(conversationId: string): Promise<void> {
    await publishEvent(this.deps.store, { type: 'queue.changed', conversationId });
  }

  /** The Bot Framework's `handoff.status` event, for channels that act on it. */
  private async status(record: ConversationRecord, state: 'accepted' | 'completed'): Promise<void> {
    try {
      const id = `status:${record.id}:${record.version}`;
      await this.deps.deliver(record, { id, from: BOT_FROM, kind: 'event', event: { name: 'handoff.status', value: { state } } });
    } catch (err) {
      this.deps.log.error({ err, conversationId: record.id }, 'handoff.status could not be delivered');
    }
  }

  private async tell(record: ConversationRecord, id: string, text: string, kind: string): Promise<void> {
    try {
      await this.deps.deliver(record, { id, text, from: BOT_FROM, kind });
    } catch (err) {
      this.deps.log.error({ err, conversationId: record.id }, 'a status message could not be delivered');
    }
  }
}
