/** The only reader of the environment: every setting is read once here and validated with zod. */
import { z } from 'zod';
import { parseStaffedHours, type StaffedHours } from './core/staffed-hours.js';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port entries, comma-separated');

/** Every setting, with its default; `.env.example` and the README list each one. */
export const schema = z.object({
  PORT: intFrom(0, 65535).default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^(redis|rediss|unix):\/\//, 'must start with redis://, rediss:// or unix://')
    .optional(),
  RETENTION_DAYS: intFrom(1, 3650).default(30),
  QUEUE_TIMEOUT_MINUTES: intFrom(1, 1440).default(10),
  FAQ_REVIEW_MONTHS: intFrom(1, 60).default(6),
  TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not a time zone name such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  NLU_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.6),
  NLU_CACHE_DIR: z.string().min(1).default('.cache/nlu'),
  MICROSOFT_APP_ID: z.string().default(''),
  MICROSOFT_APP_PASSWORD: z.string().default(''),
  MICROSOFT_APP_TENANT_ID: z.string().default(''),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  ALLOWED_SERVICE_URLS: list.default([]),
  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_SECONDS: intFrom(60, 86400).default(1800),
  QUICK_EXIT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://www.weather.com.cn/'),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  NODE_ENV: z.string().default('development'),
  /** A development setting only: /api/messages without a Bot Framework registration, for allow-listed serviceUrls. */
  BOT_ALLOW_UNAUTHENTICATED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TRUSTED_PROXIES: list.pipe(z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, 'addresses or CIDR ranges, comma-separated'))).default([]),
  REDIS_SENTINELS: list.pipe(z.array(hostPort)).default([]),
  REDIS_SENTINEL_NAME: z.string().min(1).default('mymaster'),
  REDIS_CLUSTER_NODES: list.pipe(z.array(hostPort)).default([]),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_WAIT_REPLICAS: intFrom(0, 10).default(0),
  REDIS_COMMAND_TIMEOUT_MS: intFrom(50, 60_000).default(1000),
  STAFFED_HOURS: z.string().default('mon-fri 08:30-17:30'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: intFrom(0, 65535).optional(),
  REQUIRE_2FA: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  MESSAGES_PER_MINUTE: intFrom(1, 100_000).default(30),
  CLIENT_MESSAGES_PER_MINUTE: intFrom(1, 1_000_000).default(120),
  NEW_CHATS_PER_MINUTE: intFrom(1, 100_000).default(20),
});

export type Env = z.input<typeof schema>;

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Redis is configured (a URL, Sentinels or a Cluster): state is shared and kept. */
  shared: boolean;
  retentionDays: number;
  queueTimeoutMinutes: number;
  faqReviewMonths: number;
  /** Dates shown and stored (review dates, report periods) are calendar dates in this zone. */
  timeZone: string;
  nluMinScore: number;
  nluCacheDir: string;
  bot: {
    appId: string;
    appPassword: string;
    tenantId: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /** Only consulted with no app id: the channels the bot may reply to. */
    allowedServiceUrls: string[];
    /** No app id, and the development setting that opens the endpoint to allow-listed serviceUrls. */
    allowUnauthenticated: boolean;
  };
  /** Signs Direct Line tokens; required with Redis so that every instance and a restart accept them. */
  tokenSecret: string | undefined;
  tokenTtlSeconds: number;
  cookieSecure: boolean;
  /** Where the widget's quick exit sends her: a neutral site. */
  quickExitUrl: string;
  production: boolean;
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. */
  trustedProxies: string[];
  redis: {
    url: string | undefined;
    sentinels: string[];
    sentinelName: string;
    clusterNodes: string[];
    password: string | undefined;
    waitReplicas: number;
    commandTimeoutMs: number;
  };
  /** When the hotline is staffed, in `timeZone`. */
  staffedHours: StaffedHours;
  metrics: { token: string | undefined; port: number | undefined };
  require2fa: boolean;
  /** Her messages per minute in one chat, from one address across chats, and new chats per address. */
  limits: { messagesPerMinute: number; clientMessagesPerMinute: number; newChatsPerMinute: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; throws a ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(clean);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // The setting's name only: a value may be a secret (a password in REDIS_URL, TOKEN_SECRET).
    throw new ConfigError(`Invalid setting ${name}: ${issue.message}`);
  }
  const e = result.data;
  const shared = Boolean(e.REDIS_URL || e.REDIS_SENTINELS.length || e.REDIS_CLUSTER_NODES.length);
  if (shared && !e.TOKEN_SECRET) {
    throw new ConfigError('Missing setting TOKEN_SECRET: with Redis every instance must sign chat tokens with the same secret (32+ characters)');
  }
  const production = e.NODE_ENV === 'production';
  if (e.BOT_ALLOW_UNAUTHENTICATED && production) {
    throw new ConfigError('Invalid setting BOT_ALLOW_UNAUTHENTICATED: a development setting, refused with NODE_ENV=production');
  }
  let staffedHours: StaffedHours;
  try {
    staffedHours = parseStaffedHours(e.STAFFED_HOURS);
  } catch (err) {
    throw new ConfigError(`Invalid setting STAFFED_HOURS: ${(err as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    shared,
    retentionDays: e.RETENTION_DAYS,
    queueTimeoutMinutes: e.QUEUE_TIMEOUT_MINUTES,
    faqReviewMonths: e.FAQ_REVIEW_MONTHS,
    timeZone: e.TIME_ZONE,
    nluMinScore: e.NLU_MIN_SCORE,
    nluCacheDir: e.NLU_CACHE_DIR,
    bot: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
      allowedServiceUrls: e.ALLOWED_SERVICE_URLS,
      allowUnauthenticated: !e.MICROSOFT_APP_ID && e.BOT_ALLOW_UNAUTHENTICATED,
    },
    tokenSecret: e.TOKEN_SECRET,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    cookieSecure: e.COOKIE_SECURE,
    quickExitUrl: e.QUICK_EXIT_URL,
    production,
    trustedProxies: e.TRUSTED_PROXIES,
    redis: {
      url: e.REDIS_URL,
      sentinels: e.REDIS_SENTINELS,
      sentinelName: e.REDIS_SENTINEL_NAME,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      password: e.REDIS_PASSWORD,
      waitReplicas: e.REDIS_WAIT_REPLICAS,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
    staffedHours,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT },
    require2fa: e.REQUIRE_2FA,
    limits: { messagesPerMinute: e.MESSAGES_PER_MINUTE, clientMessagesPerMinute: e.CLIENT_MESSAGES_PER_MINUTE, newChatsPerMinute: e.NEW_CHATS_PER_MINUTE },
  };
}

/** The process environment, read once. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
