/**
 * Staff see the service live through events on the store's publish/subscribe channel, which every instance
 * receives. This wraps the store so that every appended message announces itself, wherever it came from.
 */
import type { Store } from '../store/store.js';

export const EVENTS_CHANNEL = 'hotline-events';

export type HotlineEvent =
  | { type: 'message'; conversationId: string; seq: number; from: string }
  | { type: 'queue.changed'; conversationId: string }
  | { type: 'supervisor.alert'; conversationId: string; reason: 'queue_timeout'; waitingSince: number };

export function publishEvent(store: Store, event: HotlineEvent): Promise<void> {
  return store.publish(EVENTS_CHANNEL, event);
}

export function withMessageEvents(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'appendMessage') {
        const append: Store['appendMessage'] = async (conversationId, entry) => {
          const result = await target.appendMessage(conversationId, entry);
          if (!result.duplicate) {
            // The message is stored either way; a lost event only delays a console, which re-reads on reconnect.
            await publishEvent(target, { type: 'message', conversationId, seq: result.seq, from: entry.from }).catch(() => undefined);
          }
          return result;
        };
        return append;
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
