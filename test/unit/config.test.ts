import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, schema } from '../../src/config.js';
import { PROJECT_ROOT } from '../../src/paths.js';

describe('config', () => {
  it('has safe defaults: memory store, loopback, no allowed channels, /api/messages closed', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 3978, host: '127.0.0.1', shared: false, retentionDays: 30, trustedProxies: [] });
    expect(c.bot.allowedServiceUrls).toEqual([]);
    expect(c.bot.allowUnauthenticated).toBe(false);
  });

  it('stops with one line naming the variable for a bad value, and never echoes the value', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid setting PORT: /);
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => parseConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
    for (const env of [{ TOKEN_SECRET: 'short-secret-value' }, { REDIS_URL: 'http://user:hunter2-secret@host:6379' }, { METRICS_TOKEN: 'tiny' }]) {
      let message = '';
      try {
        parseConfig(env);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^Invalid setting [A-Z_]+: /);
      expect(message).not.toContain(Object.values(env)[0]);
    }
  });

  it('requires a shared token secret with Redis', () => {
    expect(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/TOKEN_SECRET/);
    expect(() => parseConfig({ REDIS_SENTINELS: '127.0.0.1:26379' })).toThrow(/TOKEN_SECRET/);
    const c = parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_SECRET: 'x'.repeat(32) });
    expect(c.shared).toBe(true);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('reads the allow-list of channels as a comma-separated list', () => {
    const c = parseConfig({ ALLOWED_SERVICE_URLS: 'http://localhost:3979, https://channel.example ' });
    expect(c.bot.allowedServiceUrls).toEqual(['http://localhost:3979', 'https://channel.example']);
  });

  it('refuses the unauthenticated development endpoint in production', () => {
    expect(parseConfig({ BOT_ALLOW_UNAUTHENTICATED: 'true' }).bot.allowUnauthenticated).toBe(true);
    expect(() => parseConfig({ BOT_ALLOW_UNAUTHENTICATED: 'true', NODE_ENV: 'production' })).toThrow(/BOT_ALLOW_UNAUTHENTICATED/);
  });

  it('reads staffed hours and refuses a malformed one', () => {
    expect(parseConfig({ STAFFED_HOURS: 'mon-fri 08:30-17:30; sat 09:00-12:00' }).staffedHours).toHaveLength(2);
    expect(() => parseConfig({ STAFFED_HOURS: 'weekdays 9 to 5' })).toThrow(/STAFFED_HOURS/);
  });

  it('is documented: .env.example names every setting with a value the service accepts, and the README lists each', () => {
    const example = readFileSync(resolve(PROJECT_ROOT, '.env.example'), 'utf8');
    const readme = readFileSync(resolve(PROJECT_ROOT, 'README.md'), 'utf8');
    const named = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    const settings = Object.keys(schema.shape);
    expect(settings.filter((k) => !named.has(k))).toEqual([]);
    expect(settings.filter((k) => !readme.includes(k) && !readme.includes(`_${k.split('_').pop()}`))).toEqual([]);
    const active = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(() => parseConfig(active)).not.toThrow();
  });
});
