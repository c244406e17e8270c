/**
 * `POST /api/messages`: Bot Framework channels reach the bot through CloudAdapter. With an app id every caller
 * is authenticated by the Bot Framework's tokens; without one the endpoint is closed, unless a development
 * setting opens it to an allow-list of serviceUrls (never with NODE_ENV=production).
 */
import type { CloudAdapter } from 'botbuilder';
import type { Activity, ActivityHandler, Middleware, TurnContext } from 'botbuilder-core';
import type { Request, Response, Server } from 'restify';
import type { Config } from '../config.js';
import { readJson } from '../http/body.js';
import { HttpError, sendError } from '../http/errors.js';
import { API_CSP, securityHeaders } from '../http/headers.js';
import type { Logger } from '../log.js';
import { MessageNotStoredError } from './recorder.js';
import { z } from 'zod';

/** Bot Framework activities are small; a 20,000-character message in Chinese is about 60 KB. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * The fields the bot reads, in the types it reads them: anything else is a 400 before the Bot Framework sees it
 * (its own errors quote the offending value, and a failed turn is logged). Ids are printable ASCII: the
 * connector sends the conversation's id back in a request header.
 */
const id = z.string().min(1).max(256).regex(/^[\x20-\x7e]+$/);
const account = z.object({ id, name: z.string().max(256).optional() });
const activityShape = z.object({
  type: z.string().min(1).max(64),
  id: id.optional(),
  channelId: id,
  serviceUrl: z.string().max(2048),
  conversation: z.object({ id }),
  from: account,
  recipient: account,
  text: z.string().max(20_000).optional(),
  locale: z.string().max(64).optional(),
});

/**
 * CloudAdapter, loaded only when the endpoint is open (a Bot Framework registration, or the development setting):
 * the Bot Framework connector is a large part of the start-up time, and a service without Azure channels never
 * needs it.
 */
export async function createCloudAdapter(config: Config['bot'], log: Logger, middleware: Middleware[]): Promise<CloudAdapter | undefined> {
  if (!config.appId && !config.allowUnauthenticated) return undefined;
  const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import('botbuilder');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppTenantId: config.tenantId,
    MicrosoftAppType: config.appType,
  });
  const adapter = new CloudAdapter(auth);
  for (const m of middleware) adapter.use(m);
  adapter.onTurnError = async (_context, err) => {
    // The error's name only: the Bot Framework's messages quote the values they choke on.
    log.error({ errName: err instanceof Error ? err.name : typeof err }, 'turn failed');
    // Her message was not stored: the channel must get an error, not a 200, so that it does not count it delivered.
    if (err instanceof MessageNotStoredError) throw err;
  };
  return adapter;
}

/** With no app id CloudAdapter accepts any caller and replies wherever `serviceUrl` says: only allow-listed ones. */
export function serviceUrlAllowed(serviceUrl: unknown, allowed: readonly string[]): boolean {
  if (typeof serviceUrl !== 'string') return false;
  const normalized = serviceUrl.replace(/\/+$/, '');
  return allowed.some((a) => a.replace(/\/+$/, '') === normalized);
}

export function mountBotEndpoint(server: Server, deps: { adapter: CloudAdapter | undefined; bot: ActivityHandler; config: Config['bot']; log: Logger }): void {
  const { adapter, bot, config, log } = deps;
  server.post('/api/messages', async (req: Request, res: Response) => {
    securityHeaders(res, API_CSP);
    try {
      if (!adapter) {
        req.resume();
        throw new HttpError(403, 'this endpoint needs a Bot Framework registration (MICROSOFT_APP_ID)');
      }
      const body = await readJson(req, MAX_BODY_BYTES);
      const shape = activityShape.safeParse(body);
      if (!shape.success) throw new HttpError(400, 'expected a Bot Framework activity');
      if (!config.appId && !serviceUrlAllowed(shape.data.serviceUrl, config.allowedServiceUrls)) {
        log.warn({ channelId: shape.data.channelId }, 'refused an activity from a serviceUrl not on ALLOWED_SERVICE_URLS');
        throw new HttpError(403, 'serviceUrl not allowed');
      }
      const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
      let response;
      try {
        // The protected form, not `process()`: that one sends the error's own text to the caller and logs it raw.
        const run = (adapter as unknown as { processActivity: (auth: string, activity: Activity, logic: (c: TurnContext) => Promise<void>) => Promise<{ status: number; body?: unknown } | undefined> }).processActivity;
        response = await run.call(adapter, authorization, body as unknown as Activity, (context) => bot.run(context));
      } catch (err) {
        // botframework-connector's AuthenticationError: a status between 400 and 499 is the caller's fault.
        const status = (err as { statusCode?: unknown }).statusCode;
        if (typeof status === 'number' && status >= 400 && status < 500) throw new HttpError(401, 'not authenticated');
        throw err;
      }
      res.send(response?.status ?? 200, response?.body);
    } catch (err) {
      sendError(res, err, log);
    }
  });
}
