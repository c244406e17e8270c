/**
 * Messages from outside her turn (staff messages, her place in the queue) are already in the transcript, which is
 * all a Direct Line client needs. Bot Framework channels get them through CloudAdapter and the stored reference,
 * once per message id, from whichever instance sends them.
 */
import type { CloudAdapter } from 'botbuilder';
import type { ConversationReference } from 'botbuilder-core';
import type { Push } from '../handoff/service.js';

const DELIVERED_TTL_SECONDS = 7 * 24 * 3600;

export function createPush(deps: { cloudAdapter: CloudAdapter | undefined; appId: string; once: (key: string, ttlSeconds: number) => Promise<boolean> }): Push {
  return async (record, activity) => {
    const adapter = deps.cloudAdapter;
    if (record.channel !== 'botframework' || !record.reference || !adapter) return;
    const id = typeof activity.id === 'string' ? activity.id : undefined;
    if (id && !(await deps.once(`delivered:${id}`, DELIVERED_TTL_SECONDS))) return;
    const name = (activity.from as { name?: unknown } | undefined)?.name;
    await adapter.continueConversationAsync(deps.appId, record.reference as Partial<ConversationReference>, async (context) => {
      // The channel needs the bot's own id as the sender; the name says who wrote (a staff member's display name).
      if (typeof name === 'string') {
        context.onSendActivities(async (_ctx, activities, next) => {
          for (const a of activities) a.from = { ...a.from, id: a.from?.id ?? '', name };
          return next();
        });
      }
      await context.sendActivity(activity);
    });
  };
}
