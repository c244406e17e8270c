/**
 * The chat widget as a woman would use it, in Debian's Chromium at a phone size and at a desktop size: Web Chat over
 * our own Direct Line, the emergency bar, quick exit, her language, a person visibly a person, typing both ways,
 * nothing left on her device, and WCAG 2.1 AA by axe-core.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type App } from '../../src/app.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, CHROMIUM, CHROMIUM_ARGS, launch } from '../support/browser.js';
import { followEvents } from '../support/events.js';

const NEUTRAL = 'http://neutral.test/';
const available = browserAvailable();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const artifacts = resolve(PROJECT_ROOT, 'test/artifacts');

describe.skipIf(!available)('the chat widget in a browser', () => {
  let app: App;
  let browser: Browser;
  let url: string;
  let staffOnline = false;

  beforeAll(async () => {
    app = await buildTestApp({ QUICK_EXIT_URL: NEUTRAL }, { staffAvailable: async () => staffOnline });
    url = `http://127.0.0.1:${(await app.listen()).port}/`;
    browser = await launch();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(viewport = DESKTOP, javaScriptEnabled = true, bypassCSP = false): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport, javaScriptEnabled, bypassCSP });
    // The neutral site is the only page outside this service; the machine has no network.
    await context.route(`${NEUTRAL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><h1>Weather</h1>' }));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    if (javaScriptEnabled) await page.getByText('机器人').first().waitFor();
    return { page, errors };
  }

  async function send(page: Page, text: string): Promise<void> {
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill(text);
    await box.press('Enter');
  }

  it('answers a question in Chinese, with the numbers always in view as large call and text links', async () => {
    for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const { page, errors } = await open(viewport);
      await expect(page.title()).resolves.toBe('在线服务');
      const links = page.locator('.numbers a');
      expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['tel:110', 'tel:120', 'sms:12110', 'tel:12338']);
      for (const box of await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect()))) {
        expect(box.height).toBeGreaterThanOrEqual(44);
        expect(box.width).toBeGreaterThanOrEqual(44);
      }
      await send(page, '怎么申请人身安全保护令');
      await page.getByText('《反家庭暴力法》第23条', { exact: false }).first().waitFor();
      // The bar stays in view however long the chat gets, and leaves the chat most of a phone's screen.
      const bar = await page.locator('.bar').evaluate((el) => {
        const { top, height } = el.getBoundingClientRect();
        return { top, height };
      });
      expect(bar.top).toBe(0);
      expect(bar.height).toBeLessThan(viewport.height * 0.16);
      await page.screenshot({ path: resolve(artifacts, `widget-${name}.png`) });
      expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
      await page.context().close();
    }
  });

  it('shows the emergency text first when she writes that she is in danger now', async () => {
    const { page } = await open(PHONE);
    await send(page, '他现在拿着刀在门口');
    await page.getByText('你现在可能有危险', { exact: false }).first().waitFor();
    const texts = await page.locator('.webchat__basic-transcript__activity').allInnerTexts();
    const hers = texts.findIndex((t) => t.includes('他现在拿着刀在门口'));
    expect(hers).toBeGreaterThanOrEqual(0);
    expect(texts[hers + 1]).toMatch(/110/);
    await page.context().close();
  });

  it('quick exit hides the page at once, goes to a neutral site, Back does not return, and nothing is stored', async () => {
    const { page } = await open(PHONE);
    await send(page, '你好');
    await page.getByText('我在', { exact: false }).first().waitFor();
    expect(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]')).toEqual([0, 0, '']);
    await page.click('#quick-exit');
    await page.waitForURL(NEUTRAL);
    await page.goBack().catch(() => undefined);
    expect(page.url()).not.toContain('127.0.0.1');
    await page.context().close();
  });

  it('covers the page as soon as Escape is pressed twice, before the neutral site has loaded', async () => {
    const { page } = await open(DESKTOP);
    // Told by the page itself the moment the cover shows, while the neutral site is still on its way.
    let covered: () => void = () => undefined;
    const coveredBeforeLeaving = new Promise<void>((r) => (covered = r));
    await page.exposeFunction('coverShown', () => covered());
    await page.evaluate(() => {
      const g = globalThis as unknown as { document: { getElementById(id: string): { hidden: boolean } }; MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void }; coverShown(): void };
      const cover = g.document.getElementById('cover');
      new g.MutationObserver(() => {
        if (!cover.hidden) g.coverShown();
      }).observe(cover, { attributes: true });
    });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await coveredBeforeLeaving;
    await page.waitForURL(NEUTRAL);
    await page.context().close();
  });

  it('leaves by a plain link when the browser runs no JavaScript', async () => {
    const { page } = await open(PHONE, false);
    await page.click('#quick-exit');
    await page.waitForURL(NEUTRAL);
    await page.context().close();
  });

  it('greets her again in English with English topics and English labels when she switches language', async () => {
    const { page } = await open(PHONE);
    await page.click('#lang');
    await page.getByText('let us talk in English', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Protection order' }).first().waitFor();
    expect(await page.locator('.numbers').getAttribute('aria-label')).toBe('Emergency numbers');
    expect(await page.locator('#quick-exit').innerText()).toBe('Quick exit');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en-US');
    await page.screenshot({ path: resolve(artifacts, 'widget-english-phone.png') });
    await page.context().close();
  });

  it('shows a person as a person: her name, her own avatar, her typing; and tells the console when she types', async () => {
    staffOnline = true;
    try {
      const { page } = await open(DESKTOP);
      await send(page, '转人工');
      await page.getByText('我正在请工作人员', { exact: false }).first().waitFor();
      const queued = (await app.handoff.queue()).at(-1)!;
      const conversationId = queued.conversationId;
      const place = queued.position;
      await app.handoff.tick();
      await page.getByText(`排在第 ${place} 位`, { exact: false }).first().waitFor();
      const agent = { name: 'li', displayName: '李老师', publicId: 'staff-li' };
      await app.handoff.claim(conversationId, agent);
      await page.getByText('工作人员「李老师」（真人）已加入对话', { exact: false }).first().waitFor();
      await app.handoff.agentTyping(conversationId, agent);
      await page.locator('.webchat__typing-indicator').first().waitFor();
      await app.handoff.agentMessage(conversationId, agent, '你好，我是李老师，你现在安全吗？');
      await page.getByText('你现在安全吗', { exact: false }).first().waitFor();
      await page.getByText('李老师 · 工作人员（真人）').first().waitFor();
      expect(await page.locator('.avatar--agent').first().innerText()).toBe('李');
      expect(await page.locator('.avatar--bot').count()).toBeGreaterThan(0);
      expect(await page.content()).not.toMatch(/"li"|agent:li/);
      const events = await followEvents(app.store);
      await page.locator('[data-id="webchat-sendbox-input"]').pressSequentially('我现在在', { delay: 50 });
      await events.next((e) => e.type === 'typing' && e.conversationId === conversationId && e.from === 'user');
      await events.stop();
      await page.screenshot({ path: resolve(artifacts, 'widget-agent-desktop.png') });
      await page.context().close();
    } finally {
      staffOnline = false;
    }
  });

  it('passes the WCAG 2.1 AA rules of axe-core at a phone size and at a desktop size', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      // axe-core is injected as a script: the page's own CSP would (rightly) refuse it.
      const { page } = await open(viewport, true, true);
      await send(page, '怎么申请保护令');
      await page.getByText('《反家庭暴力法》第23条', { exact: false }).first().waitFor();
      expect(describeViolations(await axeViolations(page))).toEqual([]);
      await page.context().close();
    }
  });

  it('leaves no word of the chat in the browser profile on disk', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'hotline-profile-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.getByText('机器人').first().waitFor();
      const box = page.locator('[data-id="webchat-sendbox-input"]');
      await box.fill('钱水标记 他又打我了 怎么申请保护令');
      await box.press('Enter');
      await page.getByText('这不是你的错', { exact: false }).first().waitFor();
      // Polling reads the answer more than once: each response would be cached if it could be.
      await page.waitForTimeout(2500);
      await page.close();
    } finally {
      await context.close();
    }
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        const st = statSync(file);
        if (st.isDirectory()) walk(file);
        else if (st.size < 50_000_000 && (readFileSync(file).includes(Buffer.from('钱水标记')) || readFileSync(file).includes(Buffer.from(JSON.stringify('钱水标记').slice(1, -1))) || readFileSync(file).includes(Buffer.from('\\u94b1\\u6c34')))) found.push(file);
      }
    };
    if (existsSync(profile)) walk(profile);
    rmSync(profile, { recursive: true, force: true });
    expect(found).toEqual([]);
  });
});
