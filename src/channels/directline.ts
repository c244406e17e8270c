/**
 * Direct Line v3, the subset Web Chat uses, served by this service itself: tokens, conversations, posting
 * activities and polling them by watermark. Activities come from the transcript, so a reload or a dropped
 * network shows the whole chat. Her message is recorded before it is acknowledged; when the store cannot take
 * it, she still gets the emergency text, screened for her message, in the refusal.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityHandler } from 'botbuilder-core';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { readBody } from '../http/body.js';
import { HttpError, sendError } from '../http/errors.js';
import { API_CSP, securityHeaders } from '../http/headers.js';
import { bearerToken, queryParam, type ClientInfo } from '../http/request.js';
import type { Logger } from '../log.js';
import type { Handoff } from '../handoff/service.js';
import { LogFullError, type LogEntry, type Transcript } from '../handoff/transcript.js';
import { activityId, BOT_ACCOUNT, LOG_CHANNEL_ID, type LogAdapter } from './log-adapter.js';

export { activityId };
import { TokenError, type TokenSigner } from './tokens.js';

/** An activity body larger than this is refused whole (a 20,000-character Chinese message is about 60 KB). */
export const MAX_ACTIVITY_BYTES = 64 * 1024;
const MAX_TEXT_CHARS = 20_000;
const PAGE = 200;

const incomingActivity = z.object({
  type: z.enum(['message', 'typing', 'event'], { error: 'only message, typing and event activities are accepted' }),
  name: z.string().max(50).optional(),
  text: z.string().max(MAX_TEXT_CHARS, `text longer than ${MAX_TEXT_CHARS} characters`).optional(),
  locale: z.string().max(20).optional(),
  from: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional() }),
  value: z.unknown().optional(),
  attachments: z.array(z.object({ contentType: z.string().max(200), name: z.string().max(500).optional() }).passthrough()).max(10).optional(),
  channelData: z.object({ clientActivityID: z.string().max(200).optional(), clientTimestamp: z.string().max(100).optional() }).passthrough().optional(),
});

/** The emergency text for a message that could not be taken, written for what it says. */
export interface EmergencyReply {
  text: string;
  numbers: string[];
  /** Whether the message was screened high or above. */
  danger: boolean;
}

/** A transcript entry as Web Chat sees it: the stored activity with its place in the transcript as id. */
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
  transcript: Transcript;
  handoff: Pick<Handoff, 'typingTo'>;
  adapter: LogAdapter;
  bot: ActivityHandler;
  tokens: TokenSigner;
  client: ClientInfo;
  /** A counter in a window (rate limits), and a mark made once (the welcome), from the store. */
  count: (key: string, ttlSeconds: number) => Promise<number>;
  once: (key: string, ttlSeconds: number) => Promise<boolean>;
  /** Screens a message with nothing but the screener, and writes the emergency text for it. */
  emergency: (text: string, locale: string | undefined) => EmergencyReply;
  /** Her messages per minute in one chat, from one address across chats, and new chats per address. */
  limits: { messagesPerMinute: number; clientMessagesPerMinute: number; newChatsPerMinute: number };
  log: Logger;
  clock?: () => number;
}

const NUMBERS = ['110', '120', '12110', '12338'];

export function mountDirectLine(server: Server, deps: DirectLineDeps): void {
  const { transcript, adapter, bot, tokens, log } = deps;
  const clock = deps.clock ?? Date.now;
  const base = '/v3/directline';

  const session = (conversationId: string) => ({ conversationId, token: tokens.issue(conversationId), expires_in: tokens.ttl });

  /** Every Direct Line response: JSON, never cached; errors as Direct Line's `{error: {code, message}}`. */
  function route(method: 'get' | 'post', path: string, handler: (req: Request, res: Response) => Promise<void>): void {
    server[method](path, async (req: Request, res: Response) => {
      securityHeaders(res, API_CSP);
      try {
        await handler(req, res);
      } catch (err) {
        if (err instanceof HttpError) {
          res.send(err.status, { error: { code: codeOf(err.status), message: err.message }, ...err.extra });
          return;
        }
        sendError(res, err, log);
      }
    });
  }

  /** Verifies the bearer token; with a conversation id in the path, it must be the token's own. */
  function authorize(req: Request, conversationId?: string): string {
    const token = bearerToken(req);
    if (!token) throw new HttpError(401, 'Authorization: Bearer <token> required');
    let claims;
    try {
      claims = tokens.verify(token);
    } catch (err) {
      throw new HttpError(403, err instanceof TokenError ? err.message : 'invalid token');
    }
    if (conversationId !== undefined && claims.conversationId !== conversationId) throw new HttpError(403, 'token is not valid for this conversation');
    return claims.conversationId;
  }

  async function limitNewConversations(req: Request): Promise<void> {
    if ((await deps.count(`directline:new:${deps.client.address(req)}`, 60)) > deps.limits.newChatsPerMinute) {
      throw new HttpError(429, 'too many new conversations from this address; wait a minute');
    }
  }

  /** The bot greets a conversation once, however often the widget reconnects. */
  async function start(conversationId: string, locale: string | undefined): Promise<void> {
    if (!(await deps.once(`welcomed:${conversationId}`, 7 * 24 * 3600))) return;
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

  route('post', `${base}/tokens/generate`, async (req, res) => {
    await limitNewConversations(req);
    res.send(200, session(randomUUID()));
  });

  route('post', `${base}/tokens/refresh`, async (req, res) => {
    res.send(200, session(authorize(req)));
  });

  route('post', `${base}/conversations`, async (req, res) => {
    let conversationId: string;
    if (bearerToken(req)) {
      conversationId = authorize(req);
    } else {
      // The public widget needs no secret: a new conversation with its own token.
      await limitNewConversations(req);
      conversationId = randomUUID();
    }
    const locale = queryParam(req, 'locale')?.slice(0, 20);
    await start(conversationId, locale);
    res.send(201, session(conversationId));
  });

  route('get', `${base}/conversations/:id`, async (req, res) => {
    res.send(200, session(authorize(req, String(req.params.id))));
  });

  route('get', `${base}/conversations/:id/activities`, async (req, res) => {
    const conversationId = authorize(req, String(req.params.id));
    const watermark = Number.parseInt(queryParam(req, 'watermark') ?? '0', 10);
    const after = Number.isFinite(watermark) && watermark > 0 ? watermark : 0;
    const entries = await transcript.read(conversationId, after, PAGE);
    const activities = entries.filter((e) => e.activity || e.text !== undefined).map((e) => toDirectLineActivity(conversationId, e));
    const typing = await deps.handoff.typingTo(conversationId);
    if (typing) {
      // Not part of the transcript and not counted in the watermark: a staff member is writing to her now.
      activities.push({ type: 'typing', id: `typing-${conversationId}`, from: { ...typing, role: 'bot' }, channelId: LOG_CHANNEL_ID, conversation: { id: conversationId }, timestamp: new Date(clock()).toISOString() });
    }
    res.send(200, { activities, watermark: String(entries.at(-1)?.seq ?? after) });
  });

  route('post', `${base}/conversations/:id/activities`, async (req, res) => {
    const conversationId = authorize(req, String(req.params.id));
    const body = await readBody(req, incomingActivity, MAX_ACTIVITY_BYTES);
    if (body.type === 'typing') {
      await deps.transcript.typing(conversationId, 'user').catch(() => false);
      res.send(200, { id: `typing-${randomUUID()}` });
      return;
    }
    if (body.type === 'event') {
      // Not her words, so not in the transcript: the page tells the bot that she switched language.
      if (body.name === 'setLocale' && typeof body.value === 'string') {
        const event = { type: 'event', name: 'setLocale', value: body.value.slice(0, 20), id: randomUUID(), channelId: LOG_CHANNEL_ID, serviceUrl: 'urn:hotline:directline', conversation: { id: conversationId }, from: { id: body.from.id, role: 'user' }, recipient: { ...BOT_ACCOUNT } };
        await adapter.processActivity(event as never, (context) => bot.run(context));
      }
      res.send(200, { id: `event-${randomUUID()}` });
      return;
    }
    const text = body.text ?? '';
    /** A refusal carries the emergency text when her message is dangerous, and always when the store is down. */
    const refuse = (status: number, message: string, always: boolean): HttpError => {
      const emergency = deps.emergency(text, body.locale);
      return new HttpError(status, message, always || emergency.danger ? { emergency: { text: emergency.text, numbers: NUMBERS } } : {});
    };
    const clientId = body.channelData?.clientActivityID;
    try {
      if ((await deps.count(`directline:msg:${conversationId}`, 60)) > deps.limits.messagesPerMinute || (await deps.count(`directline:client:${deps.client.address(req)}`, 60)) > deps.limits.clientMessagesPerMinute) {
        throw refuse(429, 'too many messages; wait a minute', false);
      }
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
      // Recorded before it is acknowledged; a retry with the same client id is not recorded twice.
      const { seq, repliesLost } = await adapter.receive(bot, conversationId, {
        id: clientId ? `directline:${conversationId}:${clientId}` : randomUUID(),
        activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown>,
      });
      // Her message is kept, but what the bot said to it could not be, and she reads only what is kept: the numbers
      // now, and a retry (the same client id) runs the turn again.
      if (repliesLost) throw refuse(503, 'the reply could not be stored; send again', true);
      const id = activityId(conversationId, seq);
      res.send(200, { id });
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof LogFullError) throw refuse(409, 'this chat is full; start a new one', false);
      // The store failed: nothing was recorded, so nothing is acknowledged; she still gets the numbers.
      log.error({ err, conversationId }, 'could not record her message');
      throw refuse(503, 'the service cannot take messages right now', true);
    }
  });
}

function codeOf(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 415:
      return 'BadArgument';
    case 401:
      return 'MissingToken';
    case 403:
      return 'Forbidden';
    case 409:
      return 'ConversationFull';
    case 429:
      return 'TooManyRequests';
    case 503:
      return 'ServiceUnavailable';
    default:
      return 'ServiceError';
  }
}
