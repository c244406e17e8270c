/**
 * The in-process channel (Direct Line and the command line): the bot's replies are recorded in the transcript by
 * the recorder middleware, and the transcript is what Direct Line clients read. The same ActivityHandler serves
 * this and CloudAdapter.
 */
import { randomUUID } from 'node:crypto';
import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ActivityHandler, type ConversationReference, type ResourceResponse } from 'botbuilder-core';
import { CONVERSATION_KEY } from '../bot/handler.js';
import { BOT_FROM } from '../handoff/service.js';
import type { AppendResult, Transcript } from '../handoff/transcript.js';
import type { Logger } from '../log.js';
import { ALREADY_RECORDED, REPLY_LOST } from './recorder.js';

export const LOG_CHANNEL_ID = 'directline';
export const BOT_ACCOUNT = BOT_FROM;

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

export class LogAdapter extends BotAdapter {
  constructor(private readonly deps: { transcript: Transcript; log: Logger; clock: () => number }) {
    super();
  }

  /**
   * Her message on this channel (Direct Line, the command line): recorded first, then the bot's turn. Throws only
   * when it could not be recorded; a failure of the bot's turn is logged, since her message is safe. A retry of a
   * message already recorded runs the turn only if it never ran. `repliesLost`: a reply could not be stored, so she
   * cannot read it (the turn is then left to run again on her retry).
   */
  async receive(bot: ActivityHandler, conversationId: string, message: { id: string; activity: Record<string, unknown> }): Promise<AppendResult & { repliesLost: boolean }> {
    const activity = message.activity as Partial<Activity>;
    const recorded = await this.deps.transcript.recordUser(conversationId, { id: message.id, text: activity.text, activity: message.activity });
    let repliesLost = false;
    if (!recorded.duplicate || (await this.turnNeverRan(conversationId, recorded.seq))) {
      const incoming = {
        ...activity,
        id: activityId(conversationId, recorded.seq),
        channelId: LOG_CHANNEL_ID,
        serviceUrl: 'urn:hotline:directline',
        conversation: { id: conversationId },
        recipient: { ...BOT_ACCOUNT },
        timestamp: new Date(this.deps.clock()),
      };
      try {
        const context = await this.processActivity(incoming as Partial<Activity>, (c) => bot.run(c));
        repliesLost = context.turnState.get(REPLY_LOST) === true;
      } catch (err) {
        this.deps.log.error({ err, conversationId }, 'bot turn failed');
      }
      if (!repliesLost && !recorded.duplicate) await this.turnNeverRan(conversationId, recorded.seq);
    }
    return { ...recorded, repliesLost };
  }

  /** Marks the turn as run; true when it had not been. A store that fails here costs at most a second turn. */
  private async turnNeverRan(conversationId: string, seq: number): Promise<boolean> {
    try {
      return await this.deps.transcript.turnRun(conversationId, seq);
    } catch (err) {
      this.deps.log.warn({ err, conversationId }, 'could not mark a turn as run');
      return false;
    }
  }

  /** Runs one incoming activity, already recorded by the channel, through the middleware and the bot. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<TurnContext> {
    const context = new TurnContext(this, activity);
    context.turnState.set(CONVERSATION_KEY, activity.conversation?.id);
    context.turnState.set(ALREADY_RECORDED, true);
    await this.runMiddleware(context, logic);
    return context;
  }

  /** Nothing to send: the recorder has put every outgoing activity in the transcript, which the client reads. */
  async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return activities.map((a) => ({ id: a.id ?? randomUUID() }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('updating a sent activity is not supported on this channel');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('deleting a sent activity is not supported on this channel');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
