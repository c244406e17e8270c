/**
 * The console for a whole shift at 1280x800: WCAG 2.1 AA by axe-core on the work view with a chat open and on
 * every tab, a chat worked from the keyboard alone with visible focus, and screenshots of the panes in
 * test/artifacts/console-*.png.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { axeViolations, describeViolations } from '../support/axe.js';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { openChat, say } from '../support/user.js';

const available = browserAvailable();
const artifacts = resolve(PROJECT_ROOT, 'test/artifacts');
// axe-core is injected as a script: the page's own CSP would (rightly) refuse it.
const AXE = { bypassCSP: true };

/** Presses Tab until the focused element matches, as a keyboard-only user would; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
  }
  throw new Error(`${selector} was not reached with Tab`);
}

async function focusRing(page: Page): Promise<{ style: string; width: string }> {
  return page.evaluate('(() => { const s = getComputedStyle(document.activeElement); return { style: s.outlineStyle, width: s.outlineWidth }; })()');
}

describe.skipIf(!available)('the console: accessibility, keyboard and screenshots', () => {
  let staffOnline = true;
  const world = consoleInBrowser(['li', 'zhao', 'boss'], { staffAvailable: async () => staffOnline }, { NEW_CHATS_PER_MINUTE: '1000' });

  it('passes axe on the login form and on the work view with a chat open; screenshots of the three panes', async () => {
    mkdirSync(artifacts, { recursive: true });
    const login = await (await world.browser.newContext({ viewport: { width: 1280, height: 800 }, ...AXE })).newPage();
    await login.goto(`${world.base}/console`);
    await login.locator('#login-form').waitFor();
    expect(describeViolations(await axeViolations(login))).toEqual([]);
    await login.screenshot({ path: resolve(artifacts, 'console-login.png') });

    const urgent = await openChat(world.base);
    await say(world.base, urgent, '他刚才掐我脖子，现在还在家里，我躲在卫生间');
    const waiting = await openChat(world.base);
    await say(world.base, waiting, '转人工');
    await say(world.base, waiting, '我想知道离婚的时候孩子的抚养权怎么判');
    const third = await openChat(world.base);
    await say(world.base, third, '我老公总是骂我，还不给我生活费，我该怎么办');
    await say(world.base, third, '转人工');

    const { page, errors } = await world.logIn('li', undefined, AXE);
    await page.locator(`#queue li[data-id="${urgent.conversationId}"]`).waitFor();
    await page.keyboard.press('n');
    await page.locator('#transcript li.from-user').first().waitFor();
    await page.keyboard.press('c');
    await page.locator('#reply-form').waitFor();
    await page.fill('#reply', '我是李老师。你现在能安全说话吗？如果他靠近，先打 110。');
    await page.keyboard.press('Control+Enter');
    await page.locator('#transcript li.from-agent', { hasText: '我是李老师' }).waitFor();
    await say(world.base, urgent, '能，他在客厅看电视');
    await page.locator('#transcript li.from-user', { hasText: '他在客厅看电视' }).waitFor();
    await page.fill('#note', '掐脖子，高危；建议验伤和保护令');
    await page.click('#note-form button');
    await page.locator('#notes li', { hasText: '掐脖子' }).waitFor();
    await page.locator('#case-referrals summary').click();
    await page.locator('#case-referral-list li').first().waitFor();
    await page.locator('#chat-title').focus();
    await page.waitForTimeout(300);
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await page.screenshot({ path: resolve(artifacts, 'console-work.png') });

    // A supervisor's work view: every held chat, and her banner.
    const sup = await world.logIn('zhao', undefined, AXE);
    await sup.page.locator(`#held li[data-id="${urgent.conversationId}"] button`).click();
    await sup.page.locator('#transcript li.from-agent').first().waitFor();
    expect(describeViolations(await axeViolations(sup.page))).toEqual([]);
    await sup.page.screenshot({ path: resolve(artifacts, 'console-work-supervisor.png') });
    expect(errors).toEqual([]);
  });

  it('passes axe on every tab an admin sees; screenshots of the main ones', async () => {
    // A request left while nobody was online, for the callbacks list.
    staffOnline = false;
    const offline = await openChat(world.base);
    try {
      await say(world.base, offline, '转人工');
      await say(world.base, offline, '留下安全联系方式');
      await say(world.base, offline, '只发短信');
      await say(world.base, offline, '工作日上午');
    } finally {
      staffOnline = true;
    }
    const { page, errors } = await world.logIn('boss', undefined, AXE);
    const tabs: [string, string | null][] = [
      ['history-panel', 'console-history.png'],
      ['callbacks-panel', 'console-callbacks.png'],
      ['referrals-panel', 'console-referrals.png'],
      ['canned-panel', null],
      ['dashboard', 'console-dashboard.png'],
      ['audit-panel', null],
      ['users-panel', 'console-users.png'],
      ['faq-admin', null],
    ];
    for (const [tab, shot] of tabs) {
      await page.click(`#tabs [data-tab="${tab}"]`);
      await page.waitForTimeout(600);
      if (tab === 'referrals-panel') {
        await page.click('#referrals-edit');
        await page.locator('#referrals-rows fieldset').first().waitFor();
      }
      if (tab === 'canned-panel') {
        await page.click('#snippets-edit');
        await page.click('#snippets-add');
      }
      if (tab === 'faq-admin') {
        await page.locator('tr[data-intent="legal_aid"]').click();
        await expect.poll(() => page.inputValue('input[name="zh.title"]')).not.toBe('');
      }
      const violations = describeViolations(await axeViolations(page));
      expect(violations, tab).toEqual([]);
      if (shot) await page.screenshot({ path: resolve(artifacts, shot) });
      if (tab === 'referrals-panel') await page.click('#referrals-cancel');
    }
    expect(errors).toEqual([]);
  });

  it('works a chat from the keyboard alone, with the focus always visible', async () => {
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const { page, errors } = await world.logIn('li');
    await page.locator(`#queue li[data-id="${she.conversationId}"]`).waitFor();
    await page.locator('body').focus();

    // The tabs, then the queue, are reached with Tab; Enter opens the chat.
    await tabTo(page, '#tabs [data-tab="history-panel"]');
    expect((await focusRing(page)).style).not.toBe('none');
    await tabTo(page, `#queue li[data-id="${she.conversationId}"] button`);
    expect(await focusRing(page)).toEqual({ style: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    await page.locator('#transcript li.from-user', { hasText: '转人工' }).waitFor();

    await tabTo(page, '#claim');
    expect(await focusRing(page)).toEqual({ style: 'solid', width: '3px' });
    await page.keyboard.press('Enter');
    await page.locator('#reply-form').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    await page.keyboard.type('你好，我是李老师。');
    await page.keyboard.press('Control+Enter');
    await page.locator('#transcript li.from-agent', { hasText: '你好，我是李老师。' }).waitFor();
    await page.keyboard.press('Escape');

    // A note, then the outcome and the resolve, by Tab alone.
    await tabTo(page, '#note');
    await page.keyboard.type('她想了解抚养权');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('添加备注');
    await page.keyboard.press('Enter');
    await page.locator('#notes li', { hasText: '她想了解抚养权' }).waitFor();
    await tabTo(page, '#outcome');
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue('#outcome')).toBe('information_given');
    await tabTo(page, '#resolve-form button[type=submit]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('机器人应答中');
    await expect.poll(() => page.locator('#case-outcome').textContent()).toBe('已提供信息');

    // The other tabs, by keyboard too.
    await tabTo(page, '#tabs [data-tab="callbacks-panel"]');
    await page.keyboard.press('Enter');
    await page.locator('#callbacks-panel').waitFor();
    expect(await page.locator('#tabs [data-tab="callbacks-panel"]').getAttribute('aria-current')).toBe('page');
    // "n" from any tab brings back the work view with the next waiting chat (the first test left two waiting).
    await page.locator('#callbacks-title').click();
    await page.keyboard.press('n');
    await page.locator('#work').waitFor();
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('排队中');
    expect(errors).toEqual([]);
  });
});
