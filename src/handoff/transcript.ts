/**
 * The transcript: the one place that records a message in a conversation (hers, the bot's, a staff member's) and
 * tells the consoles about it. Every channel and the command line go through here; nothing else appends.
 */
import type { Logger } from '../log.js';
import type { AppendResult, Author, LogEntry, Store } from '../store/store.js';
import { publishEvent } from './events.js';

// What channels need of the log's types, through here: channels do not import the store.
export type { AppendResult, LogEntry } from '../store/store.js';
export { LogFullError } from '../store/store.js';

/** A client retries a failed send within minutes; a day is ample. */
const TURN_MARK_SECONDS = 86_400;
/** A conversation holds at most this many of her messages; then she is asked to start a new chat. */
export const MAX_USER_ENTRIES = 1000;
/** Room for the replies to those messages and for staff: the log as a whole is bounded too. */
const MAX_ENTRIES = 3 * MAX_USER_ENTRIES;
/** A typing event reaches the console at most this often per conversation and side. */
const TYPING_EVERY_SECONDS = 3;

export interface Recorded {
  id: string;
  text?: string | undefined;
  activity?: Record<string, unknown> | undefined;
}

export class Transcript {
  constructor(
    private readonly deps: { store: Store; clock: () => number; log: Logger },
  ) {}

  /** Her message, stored before anything else happens with it. Throws LogFullError when the chat is full. */
  recordUser(conversationId: string, message: Recorded): Promise<AppendResult> {
    return this.record(conversationId, 'user', message, MAX_USER_ENTRIES);
  }

  /** What the bot said (an answer, a status message, the emergency text). */
  recordBot(conversationId: string, message: Recorded): Promise<AppendResult> {
    return this.record(conversationId, 'bot', message, MAX_ENTRIES);
  }

  /** What a staff member wrote to her. */
  recordAgent(conversationId: string, message: Recorded): Promise<AppendResult> {
    return this.record(conversationId, 'agent', message, MAX_ENTRIES);
  }

  /**
   * Marks the bot's turn for her message number `seq` as run; true the first time. A retry of a message that was
   * stored but whose turn never ran (the reply could not be stored, the process died) runs the turn then.
   */
  turnRun(conversationId: string, seq: number): Promise<boolean> {
    return this.deps.store.markOnce(`turn:${conversationId}:${seq}`, TURN_MARK_SECONDS);
  }

  read(conversationId: string, afterSeq = 0, limit?: number): Promise<LogEntry[]> {
    return this.deps.store.readMessages(conversationId, afterSeq, limit);
  }

  /** Someone is typing: the other side hears of it, throttled; nothing is stored in the transcript. */
  async typing(conversationId: string, from: 'user' | 'agent'): Promise<boolean> {
    if (!(await this.deps.store.markOnce(`typing:${from}:${conversationId}`, TYPING_EVERY_SECONDS))) return false;
    await publishEvent(this.deps.store, { type: 'typing', conversationId, from });
    return true;
  }

  private async record(conversationId: string, from: Author, message: Recorded, maxEntries: number): Promise<AppendResult> {
    const result = await this.deps.store.appendMessage(
      conversationId,
      { id: message.id, from, at: this.deps.clock(), text: message.text, activity: message.activity },
      { maxEntries },
    );
    if (!result.duplicate) {
      // The message is stored either way; a lost event only delays a console, which reloads on reconnect.
      await publishEvent(this.deps.store, { type: 'message', conversationId, seq: result.seq, from }).catch((err: unknown) =>
        this.deps.log.warn({ err, conversationId }, 'console event not published'),
      );
    }
    return result;
  }
}
