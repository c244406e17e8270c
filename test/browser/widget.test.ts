/** The chat widget as a woman would use it, in a real browser: Web Chat over our own Direct Line. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, launch } from '../support/browser.js';

const NEUTRAL = 'http://neutral.test/';
const available = browserAvailable();

describe.skipIf(!available)('the chat widget in a browser', () => {
  let app: App;
  let browser: Browser;
  let url: string;

  let staffOnline = false;
  beforeAll(async () => {
    app = await buildTestApp({ QUICK_EXIT_URL: NEUTRAL }, { staffAvailable: async () => staffOnline });
    url = `http://127.0.0.1:${(await app.listen()).port}/`;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(viewport = { width: 1000, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport });
    // The neutral site is the only page outside this service; the machine has no network.
    await context.route(`${NEUTRAL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><h1>Weather</h1>' }));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.getByText('机器人').first().waitFor();
    return { page, errors };
  }

  async function send(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill(text);
    await box.press('Enter');
  }

  it('answers a question about protection orders, in Chinese, with the emergency numbers always in view', async () => {
    const { page, errors } = await open();
    await expect(page.title()).resolves.toBe('在线服务');
    const numbers = await page.locator('.numbers').innerText();
    expect(numbers).toContain('110');
    expect(numbers).toContain('120');
    expect(numbers).toContain('12338');
    await send(page, '怎么申请人身安全保护令');
    await page.getByText('《反家庭暴力法》第23条', { exact: false }).first().waitFor();
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await page.context().close();
  });

  it('shows the emergency text first when she writes that she is in danger now', async () => {
    const { page } = await open();
    await send(page, '他现在拿着刀在门口');
    const emergency = page.getByText('你现在可能有危险', { exact: false }).first();
    await emergency.waitFor();
    // Her message, then the emergency text as the very next thing the bot says.
    const texts = await page.locator('[role="list"] [role="listitem"], .webchat__basic-transcript__activity').allInnerTexts();
    const hers = texts.findIndex((t) => t.includes("他现在拿着刀在门口"));
    expect(texts[hers + 1]).toMatch(/110/);
    await page.context().close();
  });

  it('shows the whole conversation again after a reload', async () => {
    const { page } = await open();
    await send(page, '法律援助怎么申请');
    await page.getByText('12348', { exact: false }).first().waitFor();
    await page.reload();
    await page.getByText('法律援助怎么申请').first().waitFor();
    await page.getByText('12348', { exact: false }).first().waitFor();
    await page.context().close();
  });

  it('quick exit goes to a neutral page, Back does not return, and no chat is left in storage', async () => {
    const { page } = await open();
    await send(page, '你好');
    await page.getByText('你好').first().waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBeGreaterThan(0);
    await page.click('#quick-exit');
    await page.waitForURL(NEUTRAL);
    await page.goBack().catch(() => undefined);
    expect(page.url()).not.toContain('127.0.0.1');
    const check = await page.context().newPage();
    await check.goto(`${url}widget/favicon.svg`);
    expect(await check.evaluate('[localStorage.length, sessionStorage.length]')).toEqual([0, 0]);
    await page.context().close();
  });

  it('leaves by pressing Escape twice', async () => {
    const { page } = await open();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForURL(NEUTRAL);
    await page.context().close();
  });

  it('shows her place in the queue and, clearly, when a person has joined and what she writes', async () => {
    staffOnline = true;
    try {
      const { page } = await open();
      await send(page, '转人工');
      await page.getByText('我正在请工作人员', { exact: false }).first().waitFor();
      const conversationId = (JSON.parse((await page.evaluate('sessionStorage.getItem("chat")')) as string) as { conversationId: string }).conversationId;
      await app.handoff.tick();
      // Other chats of this file wait too (the chat in danger above, queued although nobody was online).
      const place = (await app.handoff.queue()).find((q) => q.conversationId === conversationId)!.position;
      await page.getByText(`排在第 ${place} 位`, { exact: false }).first().waitFor();
      await app.handoff.claim(conversationId, { name: 'li', displayName: '李老师' });
      await page.getByText('工作人员「李老师」（真人）已加入对话', { exact: false }).first().waitFor();
      await app.handoff.agentMessage(conversationId, { name: 'li', displayName: '李老师' }, '你好，我是李老师，你现在安全吗？');
      await page.getByText('你现在安全吗', { exact: false }).first().waitFor();
      await page.context().close();
    } finally {
      staffOnline = false;
    }
  });

  it('fits a phone screen (screenshot for review in test/artifacts/)', async () => {
    const { page } = await open({ width: 390, height: 844 });
    await send(page, '我想了解告诫书');
    await page.getByText('《反家庭暴力法》第16条', { exact: false }).first().waitFor();
    await expect(page.locator('#quick-exit').isVisible()).resolves.toBe(true);
    const dir = resolve(PROJECT_ROOT, 'test/artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: resolve(dir, 'widget-phone.png') });
    await page.context().close();
  });
});
