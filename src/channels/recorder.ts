/**
 * CloudAdapter middleware: stores each user message before the bot sees it, and each bot reply as it goes
 * out, so the transcript is whole whatever the channel. Keeps the conversation reference for proactive
 * messages from staff.
 */
import { randomUUID } from 'node:crypto';
import { ActivityTypes, TurnContext, type Middleware } from 'botbuilder';
import type { Conversations } from '../handoff/conversations.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

export function transcriptRecorder(store: Store, conversations: Conversations, log: Logger, clock: () => number): Middleware {
  return {
    async onTurn(context, next) {
      const activity = context.activity;
      const conversationId = activity.conversation?.id;
      if (!conversationId) return next();
      if (activity.type === ActivityTypes.Message) {
        try {
          await store.appendMessage(conversationId, {
            id: `${activity.channelId}:${activity.id ?? randomUUID()}`,
            from: 'user',
            at: clock(),
            text: typeof activity.text === 'string' ? activity.text : undefined,
            activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
          });
          const reference = TurnContext.getConversationReference(activity);
          await conversations.mutate(conversationId, (current) =>
            current.reference ? undefined : { next: { ...current, reference: reference as Record<string, unknown> } },
          );
        } catch (err) {
          // The turn goes on: the dialogue still screens and, in danger, still gives the emergency numbers.
          log.error({ err, conversationId }, 'storing an incoming message failed');
        }
      }
      context.onSendActivities(async (_ctx, activities, sendNext) => {
        for (const outgoing of activities) {
          if (outgoing.type !== ActivityTypes.Message) continue;
          try {
            await store.appendMessage(conversationId, {
              id: randomUUID(),
              from: 'bot',
              at: clock(),
              text: outgoing.text,
              activity: JSON.parse(JSON.stringify(outgoing)) as Record<string, unknown>,
            });
          } catch (err) {
            log.error({ err, conversationId }, 'storing an outgoing message failed');
          }
        }
        return sendNext();
      });
      await next();
    },
  };
}
