/** Supervisor and admin screens in a real browser: the dashboard, the audit log, adding a colleague. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { openChat, say } from '../support/user.js';

const available = browserAvailable();

describe.skipIf(!available)('supervisor and admin screens in a browser', () => {
  const world = consoleInBrowser(['zhao', 'boss', 'li'], { staffAvailable: async () => true });

  it('shows a supervisor the period figures and the audit log; an agent sees neither tab', async () => {
    await say(world.base, await openChat(world.base), '转人工');
    await say(world.base, await openChat(world.base), '法律援助怎么申请');
    const { page } = await world.logIn('zhao');
    await page.getByRole('button', { name: '统计' }).click();
    await expect.poll(() => page.locator('.card[data-figure="对话"] .figure').textContent()).toBe('2');
    expect(await page.locator('.card[data-figure="转人工"] .figure').textContent()).toBe('1');
    expect(await page.locator('.card[data-figure="当前排队"] .figure').textContent()).toBe('1');
    expect(await page.locator('#dashboard-topics').innerText()).toContain('legal_aid');

    await page.getByRole('button', { name: '审计日志' }).click();
    await page.locator('#audit td', { hasText: 'login' }).first().waitFor();

    const { page: agent } = await world.logIn('li');
    expect(await agent.getByRole('button', { name: '统计' }).isVisible()).toBe(false);
    expect(await agent.getByRole('button', { name: '用户' }).isVisible()).toBe(false);
  });

  it('lets an admin add a colleague, who can then log in', async () => {
    const { page } = await world.logIn('boss');
    await page.getByRole('button', { name: '用户' }).click();
    await page.locator('#users td', { hasText: '赵主任' }).waitFor();
    await page.fill('#user-form input[name=name]', 'wang');
    await page.fill('#user-form input[name=displayName]', '王老师');
    await page.fill('#user-form input[name=password]', 'short');
    await page.click('#user-form button');
    await page.getByText('a password needs at least 12 characters').waitFor();
    await page.fill('#user-form input[name=password]', 'a long enough password');
    await page.click('#user-form button');
    await page.locator('#users td', { hasText: '王老师' }).waitFor();
    await world.logIn('wang', 'a long enough password');
  });
});
