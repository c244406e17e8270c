/**
 * The bot's middleware on every adapter: her message goes into the transcript before the bot sees it (unless
 * the channel recorded it already, as Direct Line does before it acknowledges), and every message the bot sends
 * in her turn goes into the transcript as the bot's. Messages sent outside her turn (staff messages, her place in
 * the queue) are recorded by the handoff with their true author before they are sent, so they are skipped here.
 * For Bot Framework channels the conversation reference is kept for those proactive messages.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ActivityEventNames, ActivityTypes, TurnContext, type Activity, type Middleware } from 'botbuilder-core';
import { CONVERSATION_KEY } from '../bot/handler.js';
import type { Conversations } from '../handoff/conversations.js';
import type { Transcript } from '../handoff/transcript.js';
import type { Logger } from '../log.js';

/** turnState key: the channel has recorded her message already. */
export const ALREADY_RECORDED = Symbol('alreadyRecorded');
/** turnState key: a reply of the bot's could not be stored, so a Direct Line client never reads it. */
export const REPLY_LOST = Symbol('replyLost');

/** Her message on a Bot Framework channel could not be stored: the channel must not be told it was received. */
export class MessageNotStoredError extends Error {
  override name = 'MessageNotStoredError';
}

/**
 * A Bot Framework conversation's key: scoped by its channel and hashed, so that it can never name a Direct Line
 * chat (whose ids are ours) nor another channel's conversation.
 */
export function botFrameworkKey(channelId: string, conversationId: string): string {
  return `bf-${createHash('sha256').update(`${channelId}\n${conversationId}`).digest('hex').slice(0, 32)}`;
}

function stored(activity: Partial<Activity>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
}

export function transcriptRecorder(transcript: Transcript, conversations: Conversations, log: Logger): Middleware {
  return {
    async onTurn(context, next) {
      const activity = context.activity;
      if (!context.turnState.get(CONVERSATION_KEY)) {
        if (!activity.conversation?.id || !activity.channelId) return next();
        context.turnState.set(CONVERSATION_KEY, botFrameworkKey(activity.channelId, activity.conversation.id));
      }
      const key = context.turnState.get(CONVERSATION_KEY) as string;
      let notStored = false;
      // CloudAdapter names the proactive turn ContinueConversation; our LogAdapter continueConversation.
      const proactive = activity.type === ActivityTypes.Event && (activity.name === ActivityEventNames.ContinueConversation || activity.name === 'continueConversation');
      if (activity.type === ActivityTypes.Message && !context.turnState.get(ALREADY_RECORDED)) {
        try {
          await transcript.recordUser(key, {
            id: `${activity.channelId}:${activity.id ?? randomUUID()}`,
            text: typeof activity.text === 'string' ? activity.text : undefined,
            activity: stored(activity),
          });
          const reference = TurnContext.getConversationReference(activity);
          await conversations.mutate(key, (current) => (current.reference ? undefined : { next: { ...current, reference: reference as Record<string, unknown> } }));
        } catch (err) {
          // The turn goes on: the dialogue still screens and, in danger, still gives the emergency numbers; then the
          // channel hears of the failure (below), so that it does not count her message as delivered.
          log.error({ err, conversationId: key }, 'storing an incoming message failed');
          notStored = true;
        }
      }
      if (!proactive) {
        context.onSendActivities(async (_ctx, activities, sendNext) => {
          for (const outgoing of activities) {
            if (outgoing.type !== ActivityTypes.Message && outgoing.type !== ActivityTypes.Event) continue;
            outgoing.id ??= randomUUID();
            try {
              await transcript.recordBot(key, { id: outgoing.id, text: outgoing.text, activity: stored(outgoing) });
            } catch (err) {
              log.error({ err, conversationId: key }, 'storing an outgoing message failed');
              context.turnState.set(REPLY_LOST, true);
            }
          }
          return sendNext();
        });
      }
      await next();
      if (notStored) throw new MessageNotStoredError('her message could not be stored');
    },
  };
}
