/** The first run in a real browser: the setup link opens the form, the first admin is created and logs in. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, launch } from '../support/browser.js';

const available = browserAvailable();

describe.skipIf(!available)('the first-run setup link in a browser', () => {
  let app: App;
  let browser: Browser;
  let setupUrl: string;
  let base: string;

  beforeAll(async () => {
    app = await buildTestApp();
    const started = await app.listen();
    base = `http://127.0.0.1:${started.port}`;
    setupUrl = started.setupUrl!.replace(/^http:\/\/[^/]+/, base);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('says how to begin without the link, and with it creates the first admin, who then logs in', async () => {
    const plain = await (await browser.newContext()).newPage();
    await plain.goto(`${base}/console`);
    await plain.getByText('一次性设置链接', { exact: false }).waitFor();
    expect(await plain.locator('#setup').isVisible()).toBe(false);

    const page = await (await browser.newContext()).newPage();
    await page.goto(setupUrl);
    await page.locator('#setup-form').waitFor();
    await page.fill('#setup-form input[name=name]', 'li');
    await page.fill('#setup-form input[name=displayName]', '李主任');
    await page.fill('#setup-form input[name=password]', 'a long enough password');
    await page.fill('#setup-form input[name=again]', 'a long enough password');
    await page.click('#setup-form button');
    await page.getByText('管理员账号 li 已创建', { exact: false }).waitFor();
    expect(page.url()).not.toContain('setup=');
    await page.fill('#login-form input[name=password]', 'a long enough password');
    await page.click('#login-form button');
    await page.locator('#work').waitFor();
    expect(await page.getByRole('button', { name: '用户' }).isVisible()).toBe(true);
  });
});
