/**
 * What staff consoles hear, live and on every instance: events appended to the store's event log, numbered
 * there, so that a console that lost its connection resumes with Last-Event-ID on any instance.
 */
import type { Author, Store } from '../store/store.js';

export type HotlineEvent =
  | { type: 'message'; conversationId: string; seq: number; from: Author }
  | { type: 'typing'; conversationId: string; from: 'user' | 'agent' }
  | { type: 'queue.changed'; conversationId: string }
  | { type: 'conversation.changed'; conversationId: string }
  | { type: 'callback.changed'; conversationId: string }
  | { type: 'supervisor.alert'; conversationId: string; reason: 'queue_timeout' | 'callback_due'; since: number }
  | { type: 'account.changed'; user: string };

export async function publishEvent(store: Store, event: HotlineEvent): Promise<void> {
  await store.appendEvent(event);
}
