/** The only reader of the environment: every setting is read once here and validated with zod. */
import { z } from 'zod';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
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
});

export type Env = z.input<typeof schema>;

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  redisUrl: string | undefined;
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
  };
  /** Signs Direct Line tokens; required with Redis so that every instance and a restart accept them. */
  tokenSecret: string | undefined;
  tokenTtlSeconds: number;
  cookieSecure: boolean;
  /** Where the widget's quick exit sends her: a neutral site. */
  quickExitUrl: string;
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
    throw new ConfigError(`Invalid setting ${name}=${JSON.stringify(clean[name] ?? '')}: ${issue.message}`);
  }
  const e = result.data;
  if (e.REDIS_URL && !e.TOKEN_SECRET) {
    throw new ConfigError(
      'Missing setting TOKEN_SECRET: with REDIS_URL every instance must sign chat tokens with the same secret (32+ characters)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
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
    },
    tokenSecret: e.TOKEN_SECRET,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    cookieSecure: e.COOKIE_SECURE,
    quickExitUrl: e.QUICK_EXIT_URL,
  };
}

/** The process environment, read once. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}
