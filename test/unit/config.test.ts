import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

describe('config', () => {
  it('has safe defaults: memory store, loopback, no allowed channels', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 3978, host: '127.0.0.1', redisUrl: undefined, retentionDays: 30 });
    expect(c.bot.allowedServiceUrls).toEqual([]);
  });

  it('stops with one line naming the variable for a bad value', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid setting PORT="eighty"/);
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => parseConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
  });

  it('requires a shared token secret with Redis', () => {
    expect(() => parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/TOKEN_SECRET/);
    const c = parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_SECRET: 'x'.repeat(32) });
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('reads the allow-list of channels as a comma-separated list', () => {
    const c = parseConfig({ ALLOWED_SERVICE_URLS: 'http://localhost:3979, https://channel.example ' });
    expect(c.bot.allowedServiceUrls).toEqual(['http://localhost:3979', 'https://channel.example']);
  });
});
