/**
 * Proactive delivery of messages that are not a reply to her own turn (staff messages, her place in the
 * queue): through the channel she wrote from, from whichever instance the sender is on. Direct Line chats
 * are delivered by appending to the shared log; other channels through CloudAdapter and the stored reference.
 */
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Deliver } from '../handoff/service.js';
import type { Store } from '../store/store.js';
import { LOG_CHANNEL_ID, type LogAdapter } from './log-adapter.js';

const DELIVERED_TTL_SECONDS = 7 * 24 * 3600;

export function createDeliver(deps: { store: Store; logAdapter: LogAdapter; cloudAdapter: CloudAdapter; appId: string }): Deliver {
  return async (record, message) => {
    const activity = {
      type: message.event ? 'event' : 'message',
      ...(message.event ? { name: message.event.name, value: message.event.value } : { text: message.text }),
      id: message.id,
      from: { id: message.from.id, name: message.from.name, role: 'bot' },
      channelData: { kind: message.kind },
    };
    const reference = record.reference as Partial<ConversationReference> | undefined;
    if (!reference || reference.channelId === LOG_CHANNEL_ID) {
      // The log append is idempotent on the message id: a retry never shows twice.
      await deps.logAdapter.post(record.id, [activity]);
      return;
    }
    if (await deps.store.markOnce(`delivered:${message.id}`, DELIVERED_TTL_SECONDS)) {
      await deps.cloudAdapter.continueConversationAsync(deps.appId, reference, async (context) => {
        await context.sendActivity(activity);
      });
    }
  };
}
