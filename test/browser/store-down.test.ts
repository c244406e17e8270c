/**
 * Redis goes down in the middle of her chat: a dangerous message still gets the emergency text in the widget, at
 * once; when Redis is back (its append-only file kept), the chat carries on and nothing acknowledged was lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, launch } from '../support/browser.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';

const available = browserAvailable() && redisAvailable();

describe.skipIf(!available)('the widget while the store is down', () => {
  let redis: RedisServer;
  let app: App;
  let browser: Browser;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-store-down-'));

  beforeAll(async () => {
    redis = await startRedis({ dir, appendonly: true });
    app = await buildTestApp({ REDIS_URL: redis.url, TOKEN_SECRET: 'a-secret-of-at-least-32-characters!!', REDIS_COMMAND_TIMEOUT_MS: '300' });
    url = `http://127.0.0.1:${(await app.listen()).port}/`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows 110 at once for a dangerous message, then carries on when Redis is back', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(url);
    await page.getByText('机器人').first().waitFor();
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill('怎么申请保护令');
    await box.press('Enter');
    await page.getByText('《反家庭暴力法》第23条', { exact: false }).first().waitFor();

    await redis.stop();
    const sent = Date.now();
    await box.fill('救命 他拿着刀在砸门');
    await box.press('Enter');
    await page.locator('#alert').getByText('110', { exact: false }).waitFor();
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(await page.locator('#alert').innerText()).toMatch(/12110/);

    redis = await startRedis({ dir, appendonly: true });
    await page.getByText('机器人').first().waitFor();
    // The store answers again: the chat goes on, and what was acknowledged before is still there.
    for (;;) {
      const ready = await fetch(`${url}readyz`).then((r) => r.status === 200, () => false);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await box.fill('法律援助怎么申请');
    await box.press('Enter');
    await page.getByText('12348', { exact: false }).first().waitFor();
    expect(await page.getByText('《反家庭暴力法》第23条', { exact: false }).count()).toBeGreaterThan(0);
    await page.context().close();
  });
});
