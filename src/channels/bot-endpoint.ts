/** `POST /api/messages`: Bot Framework channels reach the bot through CloudAdapter. */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ActivityHandler,
  type Middleware,
} from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import restify from 'restify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/** Bot Framework activities are small; a 20,000-character message in Chinese is about 60 KB. */
const MAX_BODY_BYTES = 256 * 1024;

export function createCloudAdapter(config: Config['bot'], log: Logger, middleware: Middleware[]): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppTenantId: config.tenantId,
    MicrosoftAppType: config.appType,
  });
  const adapter = new CloudAdapter(auth);
  for (const m of middleware) adapter.use(m);
  adapter.onTurnError = async (context, err) => {
    log.error({ err, conversationId: context.activity.conversation?.id }, 'turn failed');
  };
  return adapter;
}

/** With no app id CloudAdapter accepts any caller and replies wherever `serviceUrl` says: only allow-listed ones. */
export function serviceUrlAllowed(serviceUrl: unknown, allowed: readonly string[]): boolean {
  if (typeof serviceUrl !== 'string') return false;
  const normalized = serviceUrl.replace(/\/+$/, '');
  return allowed.some((a) => a.replace(/\/+$/, '') === normalized);
}

export function mountBotEndpoint(
  server: Server,
  deps: { adapter: CloudAdapter; bot: ActivityHandler; config: Config['bot']; log: Logger },
): void {
  const { adapter, bot, config, log } = deps;
  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }),
    async (req: Request, res: Response) => {
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || typeof body.type !== 'string') {
        res.send(400, { error: 'expected a Bot Framework activity (JSON with a type)' });
        return;
      }
      if (!config.appId && !serviceUrlAllowed(body.serviceUrl, config.allowedServiceUrls)) {
        log.warn({ channelId: body.channelId }, 'refused an activity from a serviceUrl not on ALLOWED_SERVICE_URLS');
        res.send(403, { error: 'serviceUrl not allowed' });
        return;
      }
      await adapter.process(req, res, (context) => bot.run(context));
    },
  );
}
