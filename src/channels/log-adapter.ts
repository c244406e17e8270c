/**
 * The in-process channel: the bot's replies are appended to the conversation log, where the Direct Line
 * endpoints (and the CLI) read them. The same ActivityHandler serves this and CloudAdapter.
 */
import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Store } from '../store/store.js';

export const LOG_CHANNEL_ID = 'directline';
export const BOT_ACCOUNT = { id: 'hotline-bot', name: 'Hotline assistant', role: 'bot' } as const;

export class LogAdapter extends BotAdapter {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  /** Runs one incoming activity (already stored by the caller) through the middleware and the bot. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return this.post(context.activity.conversation.id, activities);
  }

  /** Appends activities to a conversation's log: the bot's replies, and messages from staff as they are. */
  async post(conversationId: string, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const outgoing of activities) {
      // Typing indicators and delays are not part of the transcript.
      if (outgoing.type !== ActivityTypes.Message && outgoing.type !== ActivityTypes.Event) continue;
      // A given id makes a retried delivery idempotent: the log keeps the first and the user sees it once.
      const id = outgoing.id ?? randomUUID();
      const activity: Partial<Activity> = {
        ...outgoing,
        id,
        channelId: LOG_CHANNEL_ID,
        conversation: { id: conversationId } as Activity['conversation'],
        from: outgoing.from ?? { ...BOT_ACCOUNT },
        timestamp: new Date(this.clock()),
      };
      await this.store.appendMessage(conversationId, {
        id,
        from: activity.from?.role === 'user' ? 'user' : activity.from?.id === BOT_ACCOUNT.id ? 'bot' : 'agent',
        at: this.clock(),
        text: activity.text,
        activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
      });
      responses.push({ id });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('updating a sent activity is not supported on this channel');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('deleting a sent activity is not supported on this channel');
  }

  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
