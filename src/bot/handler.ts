/** The Bot Framework face of the dialogue: activities in, activities out. */
import {
  ActionTypes,
  ActivityHandler,
  ActivityTypes,
  EventFactory,
  MessageFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { Locale } from '../core/types.js';
import type { Dialogue, Reply, TurnResult } from './dialogue.js';
import { MESSAGES } from './messages.js';

/** Told the outcome of every user turn; the CLI's `converse` and the tests listen here. */
export type TurnObserver = (conversationId: string, result: TurnResult) => void;

export function localeHint(activity: Partial<Activity>): Locale | undefined {
  const tag = activity.locale?.toLowerCase();
  if (!tag) return undefined;
  return tag.startsWith('en') ? 'en' : tag.startsWith('zh') ? 'zh' : undefined;
}

export function toActivity(reply: Reply): Partial<Activity> {
  const activity = reply.buttons.length
    ? MessageFactory.suggestedActions(
        reply.buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.title, value: b.value })),
        reply.text,
      )
    : MessageFactory.text(reply.text);
  // The widget styles the emergency text by kind; no risk level or signal ever goes to the user's device.
  activity.channelData = { kind: reply.kind };
  return activity;
}

export class HotlineBot extends ActivityHandler {
  constructor(
    private readonly dialogue: Dialogue,
    private readonly observer?: TurnObserver,
  ) {
    super();
    this.onMembersAdded(async (context, next) => {
      const bot = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== bot);
      if (joined) {
        const locale = localeHint(context.activity) ?? 'zh';
        await context.sendActivity(toActivity(this.dialogue.welcome(locale)));
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onUserMessage(context);
      await next();
    });
  }

  private async onUserMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const text = typeof activity.text === 'string' ? activity.text : '';
    const conversationId = activity.conversation.id;
    if (!text.trim() && activity.attachments?.length) {
      // A picture or a file: nothing to screen or classify, so say what the bot can read.
      const locale = localeHint(activity) ?? 'zh';
      await context.sendActivity(toActivity({ kind: 'unreadable', text: MESSAGES.unreadable[locale], buttons: [] }));
      return;
    }
    const result = await this.dialogue.handle(conversationId, text, localeHint(activity));
    for (const reply of result.replies) await context.sendActivity(toActivity(reply));
    if (result.escalated) {
      // The Bot Framework's handoff event, for channels that route chats to their own agents. No risk level or
      // signal goes with it: this activity reaches her device.
      await context.sendActivity(EventFactory.createHandoffInitiation(context, { queue: 'hotline-staff' }));
    }
    this.observer?.(conversationId, result);
  }
}
