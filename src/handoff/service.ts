/**
 * The live-agent side of a chat: the queue as staff see it, claim (exactly one winner), release, transfer,
 * resolve and close, notes, staff messages to her, and what she is told while she waits. Console routes reach
 * conversations through here only.
 */
import { randomUUID } from 'node:crypto';
import { IllegalTransitionError } from '../core/conversation.js';
import type { ConversationRecord, Note, Outcome, Resolution } from '../core/record.js';
import type { Words } from '../core/words.js';
import type { Logger } from '../log.js';
import type { LogEntry, QueueItem, Store } from '../store/store.js';
import { ConversationConflictError, ConversationNotFoundError, type Conversations } from './conversations.js';
import { publishEvent } from './events.js';
import type { Transcript } from './transcript.js';

export interface Agent {
  /** Login name: never shown to her. */
  name: string;
  displayName: string;
  /** An opaque id she sees instead of the login name (a generic one when the account has none yet). */
  publicId?: string | undefined;
  /** A supervisor may release or transfer a chat that someone else holds, and read every chat. */
  mayReassign?: boolean;
}

export interface QueueView extends QueueItem {
  position: number;
}

/** Sends an activity already in the transcript to her channel, where the channel is not the transcript itself. */
export type Push = (record: ConversationRecord, activity: Record<string, unknown>) => Promise<void>;

export interface HistoryFilter {
  from: number;
  to: number;
  state?: string | undefined;
  risk?: string | undefined;
  topic?: string | undefined;
  outcome?: string | undefined;
  /** A conversation id, or its beginning. */
  id?: string | undefined;
}

function matches(r: ConversationRecord, agent: Agent, f: HistoryFilter): boolean {
  if (!agent.mayReassign && !r.heldBy.includes(agent.name)) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.risk && r.risk !== f.risk) return false;
  if (f.topic && r.topic !== f.topic) return false;
  if (f.outcome && r.resolution?.outcome !== f.outcome) return false;
  if (f.id && !r.id.startsWith(f.id)) return false;
  return true;
}

export class ClaimConflictError extends Error {
  override name = 'ClaimConflictError';
}

export class NotAssigneeError extends Error {
  override name = 'NotAssigneeError';
}

export const BOT_FROM = { id: 'hotline-bot', name: 'Hotline assistant', role: 'bot' } as const;

/** She hears of her place in the queue at most this often. */
const POSITION_EVERY_MS = 30_000;
/** The queue timer runs once per this period across all instances. */
export const TICK_MS = 10_000;
/** Due callbacks are looked for this often. */
const CALLBACKS_EVERY_MS = 5 * 60_000;

export interface HandoffDeps {
  store: Store;
  conversations: Conversations;
  transcript: Transcript;
  /** Whether a person can take a chat now. */
  staffAvailable: () => Promise<boolean>;
  push: Push;
  log: Logger;
  clock: () => number;
  queueTimeoutMinutes: number;
  words: Words;
  /** Told of each claim and how long the chat waited (metrics). */
  observe?: { claimed(waitMs: number): void };
}

export class Handoff {
  constructor(private readonly deps: HandoffDeps) {}

  async queue(): Promise<QueueView[]> {
    return (await this.deps.store.listQueue()).map(({ item }, i) => ({ ...item, position: i + 1 }));
  }

  get(conversationId: string): Promise<ConversationRecord | undefined> {
    return this.deps.conversations.get(conversationId);
  }

  /** Chats a person holds now: an agent her own, a supervisor every one. */
  async held(agent: Agent): Promise<ConversationRecord[]> {
    const held = await this.deps.store.listHeld();
    return held.filter((r) => agent.mayReassign || r.assignee === agent.name).sort((a, b) => a.updatedAt - b.updatedAt);
  }

  /**
   * Past and present chats of a period, newest first, filtered: a supervisor sees every chat, an agent those she
   * held. `cursor` is where the previous page ended.
   */
  async history(agent: Agent, filter: HistoryFilter, cursor = 0, limit = 50): Promise<{ items: ConversationRecord[]; next: number | null }> {
    const items: ConversationRecord[] = [];
    let offset = cursor;
    const page = 200;
    // The store pages through the period; the filter is applied here, a page at a time, up to a bounded scan.
    for (let scanned = 0; items.length < limit && scanned < 20_000; scanned += page) {
      const batch = await this.deps.store.listConversations({ from: filter.from, to: filter.to, offset, limit: page });
      for (const [i, r] of batch.entries()) {
        if (matches(r, agent, filter)) items.push(r);
        if (items.length === limit) {
          return { items, next: offset + i + 1 };
        }
      }
      offset += batch.length;
      if (batch.length < page) return { items, next: null };
    }
    return { items, next: offset };
  }

  /** The messages of a chat, for staff (the caller audits the reading). */
  async messages(conversationId: string, afterSeq = 0): Promise<LogEntry[]> {
    return this.deps.transcript.read(conversationId, afterSeq);
  }

  /** Exactly one of many concurrent claims wins; the others get ClaimConflictError. */
  async claim(conversationId: string, agent: Agent): Promise<ConversationRecord> {
    let record: ConversationRecord;
    try {
      record = await this.deps.conversations.move(conversationId, { type: 'claim', agent: agent.name });
    } catch (err) {
      if (err instanceof IllegalTransitionError || err instanceof ConversationConflictError) {
        throw new ClaimConflictError(`conversation ${conversationId} is not waiting to be claimed`);
      }
      throw err;
    }
    this.deps.observe?.claimed(Math.max(0, this.deps.clock() - (record.waitingSince ?? record.updatedAt)));
    await this.changed(conversationId);
    await this.status(record, 'accepted');
    await this.tell(record, `joined:${conversationId}:${record.version}`, this.deps.words('handoff.joined', record.locale, { name: agent.displayName }));
    return record;
  }

  async release(conversationId: string, agent: Agent): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'release' }, { guard: (r) => this.mustHold(r, agent, true) });
    await this.changed(conversationId);
    return record;
  }

  async transfer(conversationId: string, agent: Agent, to: Agent): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'transfer', to: to.name }, { guard: (r) => this.mustHold(r, agent, true) });
    await this.changed(conversationId);
    await this.tell(record, `joined:${conversationId}:${record.version}`, this.deps.words('handoff.joined', record.locale, { name: to.displayName }));
    return record;
  }

  /** The person is done: the bot answers again, and says so. The outcome is kept for the federation's reports. */
  async resolve(
    conversationId: string,
    agent: Agent,
    outcome: Outcome,
    extra: { referrals?: Resolution['referrals']; callback?: { contactWay?: string; contactTime?: string; due: number } } = {},
  ): Promise<ConversationRecord> {
    const now = this.deps.clock();
    const record = await this.deps.conversations.move(conversationId, { type: 'resolve' }, {
      guard: (r) => this.mustHold(r, agent),
      update: (r) => {
        r.resolution = { outcome, at: now, by: agent.name, referrals: extra.referrals ?? r.referralsSent };
        if (extra.callback) {
          r.callback = { kind: 'safe_callback', requestedAt: now, ...extra.callback, doNotContact: false, state: 'open' };
        }
        // The danger that brought her here is handled: the bot must not hand her straight back, but it keeps the
        // offer of a person in view.
        if (r.memory) r.memory = { ...r.memory, screenings: r.risk === 'none' ? [] : [{ level: 'elevated', signals: [] }], awaiting: undefined };
      },
    });
    await this.changed(conversationId);
    await this.status(record, 'completed');
    await this.tell(record, `resolved:${conversationId}:${record.version}`, this.deps.words('handoff.resolved', record.locale));
    return record;
  }

  async close(conversationId: string): Promise<ConversationRecord> {
    const record = await this.deps.conversations.move(conversationId, { type: 'close' });
    await this.changed(conversationId);
    await this.tell(record, `closed:${conversationId}:${record.version}`, this.deps.words('handoff.closed', record.locale));
    return record;
  }

  /** An internal note: only the holder of the chat (or a supervisor) may add one; never shown to her. */
  async addNote(conversationId: string, agent: Agent, text: string): Promise<Note> {
    const note: Note = { by: agent.name, at: this.deps.clock(), text };
    await this.deps.conversations.mutate(conversationId, (r, exists) => {
      if (!exists) throw new ConversationNotFoundError(`no conversation ${conversationId}`);
      this.mustHold(r, agent, true);
      return { next: { ...r, notes: [...r.notes, note] } };
    });
    await publishEvent(this.deps.store, { type: 'conversation.changed', conversationId });
    return note;
  }

  /** A staff member's reply, stored in the transcript and delivered to her; only the holder may write. */
  async agentMessage(conversationId: string, agent: Agent, text: string, id: string = randomUUID()): Promise<void> {
    const record = await this.deps.conversations.get(conversationId);
    if (!record) throw new ConversationNotFoundError(`no conversation ${conversationId}`);
    this.mustHold(record, agent);
    const activity = { type: 'message', id, text, from: { id: agent.publicId ?? 'staff', name: agent.displayName, role: 'bot' }, channelData: { kind: 'agent' } };
    const { duplicate } = await this.deps.transcript.recordAgent(conversationId, { id, text, activity });
    if (!duplicate) await this.deps.push(record, activity);
  }

  /** A partner sent to her as a message in her language, and kept in the record for the outcome. */
  async sendReferral(conversationId: string, agent: Agent, referral: { id: string; name: string; kind: string }, text: string): Promise<void> {
    await this.agentMessage(conversationId, agent, text, `referral:${conversationId}:${referral.id}:${this.deps.clock()}`);
    await this.deps.conversations.mutate(conversationId, (r) => ({ next: { ...r, referralsSent: [...r.referralsSent.filter((x) => x.id !== referral.id), referral] } }));
    await publishEvent(this.deps.store, { type: 'conversation.changed', conversationId });
  }

  /**
   * Callbacks (asked for while nobody was online, or agreed at resolve) in the retention period, due first. A
   * supervisor sees every one, an agent those of chats she held and those nobody has held yet.
   */
  async callbacks(agent: Agent, from: number): Promise<ConversationRecord[]> {
    const withCallback: ConversationRecord[] = [];
    for (let offset = 0; offset < 50_000; offset += 500) {
      const page = await this.deps.store.listConversations({ from, to: this.deps.clock() + 1, offset, limit: 500 });
      for (const r of page) if (r.callback && (agent.mayReassign || r.heldBy.length === 0 || r.heldBy.includes(agent.name))) withCallback.push(r);
      if (page.length < 500) break;
    }
    return withCallback.sort((a, b) => Number(a.callback!.state === 'done') - Number(b.callback!.state === 'done') || a.callback!.due - b.callback!.due);
  }

  async callbackDone(conversationId: string, agent: Agent, result: NonNullable<ConversationRecord['callback']>['result']): Promise<ConversationRecord> {
    const now = this.deps.clock();
    const record = await this.deps.conversations.mutate(conversationId, (r, exists) => {
      if (!exists || !r.callback) throw new ConversationNotFoundError(`no callback for ${conversationId}`);
      return { next: { ...r, callback: { ...r.callback, state: 'done', doneAt: now, doneBy: agent.name, result } } };
    });
    await publishEvent(this.deps.store, { type: 'callback.changed', conversationId });
    return record;
  }

  /** Once per period across instances: a supervisor alert for each callback that is due and not done. */
  async callbacksDue(retentionStart: number): Promise<void> {
    const now = this.deps.clock();
    if (!(await this.deps.store.markOnce(`callbacks:${Math.floor(now / CALLBACKS_EVERY_MS)}`, Math.ceil((2 * CALLBACKS_EVERY_MS) / 1000)))) return;
    for (const r of await this.callbacks({ name: 'system', displayName: 'system', mayReassign: true }, retentionStart)) {
      const cb = r.callback!;
      if (cb.state !== 'open' || cb.doNotContact || cb.due > now) continue;
      if (await this.deps.store.markOnce(`callback-due:${r.id}:${cb.requestedAt}`, 30 * 86_400)) {
        await publishEvent(this.deps.store, { type: 'supervisor.alert', conversationId: r.id, reason: 'callback_due', since: cb.due });
      }
    }
  }

  /** The holder is typing: she sees a typing indicator. */
  async agentTyping(conversationId: string, agent: Agent): Promise<void> {
    const record = await this.deps.conversations.get(conversationId);
    if (!record) throw new ConversationNotFoundError(`no conversation ${conversationId}`);
    this.mustHold(record, agent);
    if (await this.deps.transcript.typing(conversationId, 'agent')) {
      await this.deps.store.putSession(`typing:${conversationId}`, { id: agent.publicId ?? 'staff', name: agent.displayName }, 6);
      if (record.channel === 'botframework') {
        await this.deps.push(record, { type: 'typing', from: { id: agent.publicId ?? 'staff', name: agent.displayName, role: 'bot' } }).catch(() => undefined);
      }
    }
  }

  /** Who is typing to her now, if anyone (Direct Line shows it while she polls). */
  async typingTo(conversationId: string): Promise<{ id: string; name: string } | undefined> {
    return (await this.deps.store.getSession(`typing:${conversationId}`)) as { id: string; name: string } | undefined;
  }

  /**
   * Once per period across all instances: tells every waiting user her place when it changed (at most every
   * 30 s), and, once, when she has waited past the timeout: the honest truth and the numbers to call, with an
   * alert for the supervisors. A chat queued while nobody was online hears nothing until someone is.
   */
  async tick(): Promise<void> {
    const now = this.deps.clock();
    if (!(await this.deps.store.markOnce(`tick:${Math.floor(now / TICK_MS)}`, Math.ceil((3 * TICK_MS) / 1000)))) return;
    const staff = await this.deps.staffAvailable();
    for (const item of await this.queue()) {
      const record = await this.deps.conversations.get(item.conversationId);
      if (!record || record.state !== 'queued') continue;
      if (!staff) continue;
      const told = record.toldPosition;
      if (!told || (told.position !== item.position && now - told.at >= POSITION_EVERY_MS)) {
        // The id names the wait, the last telling and the place: two instances, or a retry, still say it once, and
        // a place she was told before is told again after it changed in between.
        await this.tell(record, `position:${record.id}:${item.waitingSince}:${told?.at ?? 0}:${item.position}`, this.deps.words('handoff.position', record.locale, { n: item.position }));
        await this.deps.conversations.mutate(record.id, (r) => ({ next: { ...r, toldPosition: { position: item.position, at: now } } }));
      }
      const waited = now - item.waitingSince;
      if (waited >= this.deps.queueTimeoutMinutes * 60_000 && (await this.deps.store.markOnce(`timeout:${record.id}:${item.waitingSince}`, 86_400))) {
        await this.tell(record, `timeout:${record.id}:${item.waitingSince}`, this.deps.words('handoff.timeout', record.locale));
        await publishEvent(this.deps.store, { type: 'supervisor.alert', conversationId: record.id, reason: 'queue_timeout', since: item.waitingSince });
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
    const id = `status:${record.id}:${record.version}`;
    await this.send(record, id, { type: 'event', id, name: 'handoff.status', value: { state }, from: { ...BOT_FROM } });
  }

  private async tell(record: ConversationRecord, id: string, text: string): Promise<void> {
    await this.send(record, id, { type: 'message', id, text, from: { ...BOT_FROM }, channelData: { kind: 'status' } });
  }

  private async send(record: ConversationRecord, id: string, activity: Record<string, unknown>): Promise<void> {
    try {
      const { duplicate } = await this.deps.transcript.recordBot(record.id, { id, text: activity.text as string | undefined, activity });
      if (!duplicate) await this.deps.push(record, activity);
    } catch (err) {
      this.deps.log.error({ err, conversationId: record.id }, 'a status message could not be delivered');
    }
  }
}
