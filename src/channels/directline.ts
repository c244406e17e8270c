/**
 * Direct Line v3, the subset Web Chat uses, served by this service itself: tokens, conversations, posting
 * activities and polling them by watermark. Activities come from the one conversation log, so a reload or a
 * dropped network shows the whole chat.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityHandler } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { LogEntry, Store } from '../store/store.js';
import { BOT_ACCOUNT, LOG_CHANNEL_ID, type LogAdapter } from './log-adapter.js';
import { firstIssue } from '../first-issue.js';
import { BadRequestError, bearerToken, clientAddress, queryParam, readJsonBody } from './http-util.js';
import { TokenError, type TokenSigner } from './tokens.js';

/** An activity body larger than this is refused whole (a 20,000-character Chinese message is about 60 KB). */
export const MAX_ACTIVITY_BYTES = 64 * 1024;
const MAX_TEXT_CHARS = 20_000;
const GENERATE_PER_MINUTE = 20;
const PAGE = 200;

const incomingActivity = z.object({
  type: z.literal('message', { error: 'only message activities are accepted' }),
  text: z.string().max(MAX_TEXT_CHARS, `text longer than ${MAX_TEXT_CHARS} characters`).optional(),
  locale: z.string().max(20).optional(),
  from: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional() }),
  value: z.unknown().optional(),
  attachments: z.array(z.object({ contentType: z.string().max(200), name: z.string().max(500).optional() }).passthrough()).max(10).optional(),
  channelData: z
    .object({ clientActivityID: z.string().max(200).optional(), clientTimestamp: z.string().max(100).optional() })
    .passthrough()
    .optional(),
});

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/** A log entry as Web Chat sees it: the stored activity with its log position as id. */
export function toDirectLineActivity(conversationId: string, entry: LogEntry): Record<string, unknown> {
  const stored = entry.activity ?? { type: 'message', text: entry.text };
  return {
    ...stored,
    id: activityId(conversationId, entry.seq),
    channelId: LOG_CHANNEL_ID,
    conversation: { id: conversationId },
    timestamp: new Date(entry.at).toISOString(),
  };
}

export interface DirectLineDeps {
  store: Store;
  adapter: LogAdapter;
  bot: ActivityHandler;
  tokens: TokenSigner;
  log: Logger;
  clock?: () => number;
}

export function mountDirectLine(server: Server, deps: DirectLineDeps): void {
  const { store, adapter, bot, tokens, log } = deps;
  const clock = deps.clock ?? Date.now;
  const base = '/v3/directline';

  const session = (conversationId: string) => ({
    conversationId,
    token: tokens.issue(conversationId),
    expires_in: tokens.ttl,
  });

  /** Verifies the bearer token; with a conversation id in the path, it must be the token's own. */
  function authorize(req: Request, res: Response, conversationId?: string): string | undefined {
    const token = bearerToken(req);
    if (!token) {
      res.send(401, { error: { code: 'MissingToken', message: 'Authorization: Bearer <token> required' } });
      return undefined;
    }
    try {
      const claims = tokens.verify(token);
      if (conversationId !== undefined && claims.conversationId !== conversationId) {
        res.send(403, { error: { code: 'Forbidden', message: 'token is not valid for this conversation' } });
        return undefined;
      }
      return claims.conversationId;
    } catch (err) {
      const message = err instanceof TokenError ? err.message : 'invalid token';
      res.send(403, { error: { code: 'TokenInvalid', message } });
      return undefined;
    }
  }

  async function rateLimited(req: Request, res: Response): Promise<boolean> {
    const count = await store.incrementCounter(`ratelimit:directline:${clientAddress(req)}`, 60);
    if (count > GENERATE_PER_MINUTE) {
      res.send(429, { error: { code: 'TooManyRequests', message: 'too many new conversations from this address; wait a minute' } });
      return true;
    }
    return false;
  }

  /** The bot greets a conversation once, however often the widget reconnects. */
  async function start(conversationId: string, locale: string | undefined): Promise<void> {
    if (!(await store.markOnce(`welcomed:${conversationId}`, 7 * 24 * 3600))) return;
    const activity = {
      type: 'conversationUpdate',
      id: randomUUID(),
      channelId: LOG_CHANNEL_ID,
      serviceUrl: 'urn:hotline:directline',
      conversation: { id: conversationId },
      recipient: { ...BOT_ACCOUNT },
      from: { id: 'user', role: 'user' },
      membersAdded: [{ id: 'user', role: 'user' }],
      locale,
    };
    await adapter.processActivity(activity as never, (context) => bot.run(context));
  }

  server.post(`${base}/tokens/generate`, async (req: Request, res: Response) => {
    if (await rateLimited(req, res)) return;
    res.send(200, session(randomUUID()));
  });

  server.post(`${base}/tokens/refresh`, async (req: Request, res: Response) => {
    const conversationId = authorize(req, res);
    if (conversationId) res.send(200, session(conversationId));
  });

  server.post(`${base}/conversations`, async (req: Request, res: Response) => {
    let conversationId: string | undefined;
    if (bearerToken(req)) {
      conversationId = authorize(req, res);
      if (!conversationId) return;
    } else {
      // The public widget needs no secret: a new conversation with its own token.
      if (await rateLimited(req, res)) return;
      conversationId = randomUUID();
    }
    const locale = queryParam(req, 'locale');
    await start(conversationId, locale);
    res.send(201, session(conversationId));
  });

  server.get(`${base}/conversations/:id`, async (req: Request, res: Response) => {
    const conversationId = authorize(req, res, req.params.id);
    if (conversationId) res.send(200, session(conversationId));
  });

  server.get(`${base}/conversations/:id/activities`, async (req: Request, res: Response) => {
    const conversationId = authorize(req, res, req.params.id);
    if (!conversationId) return;
    const watermark = Number.parseInt(queryParam(req, 'watermark') ?? '0', 10);
    const after = Number.isFinite(watermark) && watermark > 0 ? watermark : 0;
    const entries = await store.readMessages(conversationId, after, PAGE);
    const activities = entries.filter((e) => e.activity || e.text !== undefined).map((e) => toDirectLineActivity(conversationId, e));
    const last = entries.at(-1)?.seq ?? after;
    res.send(200, { activities, watermark: String(last) });
  });

  server.post(`${base}/conversations/:id/activities`, async (req: Request, res: Response) => {
    const conversationId = authorize(req, res, req.params.id);
    if (!conversationId) return;
    let body: z.infer<typeof incomingActivity>;
    try {
      const parsed = incomingActivity.safeParse(await readJsonBody(req, MAX_ACTIVITY_BYTES));
      if (!parsed.success) {
        const { field, message } = firstIssue(parsed.error, 'activity');
        throw new BadRequestError(`${field}: ${message}`);
      }
      body = parsed.data;
    } catch (err) {
      if (err instanceof BadRequestError) {
        res.send(err.status, { error: { code: 'BadArgument', message: err.message } });
        return;
      }
      throw err;
    }
    const clientId = body.channelData?.clientActivityID;
    const activity = {
      type: 'message',
      text: body.text,
      locale: body.locale,
      value: body.value,
      attachments: body.attachments,
      // The role is ours to say: whatever the client claims, this is the user.
      from: { id: body.from.id, name: body.from.name, role: 'user' },
      channelData: clientId ? { clientActivityID: clientId, clientTimestamp: body.channelData?.clientTimestamp } : undefined,
    };
    // Stored before it is acknowledged; a retry with the same client id is not stored twice.
    const { seq, duplicate } = await store.appendMessage(conversationId, {
      id: clientId ? `directline:${conversationId}:${clientId}` : randomUUID(),
      from: 'user',
      at: clock(),
      text: body.text,
      activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
    });
    const id = activityId(conversationId, seq);
    if (!duplicate) {
      const incoming = {
        ...activity,
        id,
        channelId: LOG_CHANNEL_ID,
        serviceUrl: 'urn:hotline:directline',
        conversation: { id: conversationId },
        recipient: { ...BOT_ACCOUNT },
        timestamp: new Date(clock()),
      };
      try {
        await adapter.processActivity(incoming as never, (context) => bot.run(context));
      } catch (err) {
        // The message is stored and staff can see it; the user is not told it failed to send.
        log.error({ err, conversationId }, 'bot turn failed');
      }
    }
    res.send(200, { id });
  });
}
