/** The Bot Framework face of the dialogue: activities in, activities out. */
import { randomUUID } from 'node:crypto';
import { ActionTypes, ActivityHandler, ActivityTypes, MessageFactory, TurnContext, type Activity } from 'botbuilder-core';
import type { Locale } from '../core/types.js';
import type { Dialogue, Reply, TurnResult } from './dialogue.js';

/** turnState key: the conversation's key in the store, set by the channel (scoped by channel). */
export const CONVERSATION_KEY = Symbol('conversationKey');

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
        const reply = await this.dialogue.welcome(keyOf(context), localeHint(context.activity) ?? 'zh');
        if (reply) await context.sendActivity(toActivity(reply));
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onUserMessage(context);
      await next();
    });
    // The page says she switched language: the bot greets her again in it, with the topic buttons in it.
    this.onEvent(async (context, next) => {
      const { activity } = context;
      if (activity.name === 'setLocale' && typeof activity.value === 'string') {
        const locale = localeHint({ locale: activity.value });
        const reply = locale ? await this.dialogue.relocalize(keyOf(context), locale) : undefined;
        if (reply) await context.sendActivity(toActivity(reply));
      }
      await next();
    });
  }

  private async onUserMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const text = typeof activity.text === 'string' ? activity.text : '';
    const conversationId = keyOf(context);
    if (!text.trim() && activity.attachments?.length) {
      // A picture or a file: nothing to screen or classify, so say what the bot can read.
      await context.sendActivity(toActivity(this.dialogue.unreadable(localeHint(activity) ?? 'zh')));
      return;
    }
    const result = await this.dialogue.handle(conversationId, text, localeHint(activity));
    for (const reply of result.replies) await context.sendActivity(toActivity(reply));
    if (result.escalated) {
      // The Bot Framework's handoff event, for channels that route chats to their own agents. No risk level or
      // signal goes with it: this activity reaches her device.
      await context.sendActivity(handoffInitiation(context, { queue: 'hotline-staff' }));
    }
    this.observer?.(conversationId, result);
  }
}

function keyOf(context: TurnContext): string {
  return (context.turnState.get(CONVERSATION_KEY) as string | undefined) ?? context.activity.conversation.id;
}

/**
 * The Bot Framework's `handoff.initiate` event, as botbuilder's EventFactory makes it (written here so that the
 * service does not load the whole botbuilder package for it).
 */
function handoffInitiation(context: TurnContext, value: unknown): Partial<Activity> {
  const { activity } = context;
  return {
    type: ActivityTypes.Event,
    name: 'handoff.initiate',
    value,
    id: randomUUID(),
    timestamp: new Date(),
    conversation: activity.conversation,
    from: activity.from,
    relatesTo: TurnContext.getConversationReference(activity) as Activity['relatesTo'],
    replyToId: activity.id,
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    attachments: [],
    entities: [],
  };
}
