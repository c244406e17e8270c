/**
 * The console across a shift's interruptions: a reload comes back logged in to the chat she had open; a colleague
 * disabled by an admin is thrown out at once; a reset link sets a new password; supervisors get a banner for an
 * alert; two-factor set-up and login with a code.
 */
import { TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { publishEvent } from '../../src/handoff/events.js';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { passwordOf } from '../support/staff.js';
import { openChat, say } from '../support/user.js';

const available = browserAvailable();

describe.skipIf(!available)('the console across a shift', () => {
  const world = consoleInBrowser(['li', 'wang', 'zhao', 'boss'], { staffAvailable: async () => true });

  it('comes back after a reload, logged in, to the chat she had open, with her unsent reply', async () => {
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const { page, errors } = await world.logIn('li');
    await page.locator(`#queue li[data-id="${she.conversationId}"] button`).click();
    await page.click('#claim');
    await page.locator('#reply-form').waitFor();
    await page.fill('#reply', '你先别挂，我在');
    await page.reload();
    await page.locator('#chat-view').waitFor();
    expect(await page.locator('#login').isVisible()).toBe(false);
    expect(page.url()).toContain(`#chat=${she.conversationId}`);
    await page.locator('#transcript li.from-user', { hasText: '转人工' }).waitFor();
    expect(await page.locator('#case-state').textContent()).toBe('人工处理中');
    expect(await page.inputValue('#reply')).toBe('你先别挂，我在');
    // Writing works after the reload: the CSRF token came back with the session.
    await page.keyboard.press('r');
    await page.keyboard.press('Control+Enter');
    await page.locator('#transcript li.from-agent', { hasText: '你先别挂，我在' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('throws a colleague out mid-shift when an admin disables her in the users tab; the reset link she gets works', async () => {
    const wang = await world.logIn('wang');
    const admin = await world.logIn('boss');
    await admin.page.click('#tabs [data-tab="users-panel"]');
    await admin.page.getByRole('button', { name: '停用 王老师' }).click();
    await admin.page.locator('#users tr[data-name="wang"]', { hasText: '已停用' }).waitFor();

    await wang.page.locator('#login-form').waitFor({ timeout: 5000 });
    expect(await wang.page.locator('#work').isVisible()).toBe(false);
    expect(await wang.page.locator('#queue li').count()).toBe(0);
    await wang.page.locator('#login-reason').waitFor();
    // Her password no longer opens the console.
    await wang.page.fill('#login-password', passwordOf('wang'));
    await wang.page.click('#login-form button');
    await wang.page.locator('#status', { hasText: '用户名或密码不对' }).waitFor();

    // The admin enables her again and makes her a reset link; she sets a new password through it and logs in.
    await admin.page.getByRole('button', { name: '启用 王老师' }).click();
    await admin.page.locator('#users tr[data-name="wang"]', { hasText: '正常' }).waitFor();
    await admin.page.getByRole('button', { name: '为 王老师 生成重置密码链接' }).click();
    const url = await admin.page.inputValue('#reset-url');
    expect(url).toMatch(new RegExp(`^${world.base}/console#reset=`));
    const page = await (await world.browser.newContext()).newPage();
    await page.goto(url);
    await page.fill('#reset-password', 'a brand new long password');
    await page.fill('#reset-again', 'a brand new long password');
    await page.click('#reset-form button');
    await page.locator('#status', { hasText: '新密码已保存' }).waitFor();
    expect(await page.inputValue('#login-username')).toBe('wang');
    await page.fill('#login-password', 'a brand new long password');
    await page.click('#login-form button');
    await page.locator('#work').waitFor();
    expect(wang.errors).toEqual([]);
  });

  it('shows supervisors a banner for a queue timeout and a due callback; agents get none', async () => {
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const supervisor = await world.logIn('zhao');
    const agent = await world.logIn('li');
    await publishEvent(world.app.store, { type: 'supervisor.alert', conversationId: she.conversationId, reason: 'queue_timeout', since: Date.now() - 20 * 60_000 });
    await publishEvent(world.app.store, { type: 'supervisor.alert', conversationId: she.conversationId, reason: 'callback_due', since: Date.now() - 60_000 });
    const timeout = supervisor.page.locator('.banner', { hasText: '排队超时' });
    await timeout.waitFor();
    await supervisor.page.locator('.banner', { hasText: '回访到期' }).waitFor();
    expect(await timeout.getAttribute('role')).toBe('alert');
    await timeout.getByRole('button', { name: '打开对话' }).click();
    await supervisor.page.locator('#transcript li.from-user', { hasText: '转人工' }).waitFor();
    expect(await timeout.count()).toBe(0);
    await agent.page.waitForTimeout(500);
    expect(await agent.page.locator('.banner').count()).toBe(0);
  });
});

describe.skipIf(!available)('two-factor authentication in the console', () => {
  const world = consoleInBrowser(['zhao'], {}, { REQUIRE_2FA: 'true' });
  const code = (secret: string) => new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate();

  it('makes a supervisor set it up first, then asks for the code at every login', async () => {
    const page = await (await world.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${world.base}/console`);
    await page.fill('#login-username', 'zhao');
    await page.fill('#login-password', passwordOf('zhao'));
    await page.click('#login-form button');
    await page.locator('#twofa-required').waitFor();
    expect(await page.locator('#work').isVisible()).toBe(false);
    await page.click('#twofa-start');
    // The secret arrives with the server's answer; read it once its box shows.
    await page.locator('#twofa-secret-box').waitFor();
    const secret = (await page.locator('#twofa-secret').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.fill('#twofa-code', '000000');
    await page.click('#twofa-form button');
    await page.locator('#status', { hasText: '数字不对' }).waitFor();
    await page.fill('#twofa-code', code(secret));
    await page.click('#twofa-form button');
    await page.locator('#work').waitFor();

    const again = await (await world.browser.newContext()).newPage();
    await again.goto(`${world.base}/console`);
    await again.fill('#login-username', 'zhao');
    await again.fill('#login-password', passwordOf('zhao'));
    await again.click('#login-form button');
    await again.locator('#login-otp').waitFor();
    await again.fill('#login-otp', code(secret));
    await again.click('#login-form button');
    await again.locator('#work').waitFor();
  });
});
