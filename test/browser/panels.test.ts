/** Supervisor and admin screens in a real browser: the dashboard, the audit log, adding a colleague. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { openChat, say } from '../support/user.js';

const available = browserAvailable();

describe.skipIf(!available)('supervisor and admin screens in a browser', () => {
  const world = consoleInBrowser(['zhao', 'boss', 'li'], { staffAvailable: async () => true });

  it('shows a supervisor the period figures in words, per agent, with a CSV; the audit log; an agent sees neither tab', async () => {
    await say(world.base, await openChat(world.base), '转人工');
    await say(world.base, await openChat(world.base), '法律援助怎么申请');
    const { page } = await world.logIn('zhao');
    await page.getByRole('button', { name: '统计', exact: true }).click();
    await expect.poll(() => page.locator('.card[data-figure="对话"] .figure').textContent()).toBe('2');
    expect(await page.locator('.card[data-figure="转人工"] .figure').textContent()).toBe('1');
    expect(await page.locator('.card[data-figure="当前排队"] .figure').textContent()).toBe('1');
    // Topics by their Chinese titles, never ids.
    expect(await page.locator('#dashboard-topics').innerText()).toContain('法律援助');
    expect(await page.locator('#dashboard-topics').innerText()).not.toContain('legal_aid');
    expect(await page.locator('#dashboard-risk').innerText()).toMatch(/紧急[\s\S]*高[\s\S]*中[\s\S]*无/);

    // Per agent: Li claims the waiting chat and the figures follow.
    const { page: agent } = await world.logIn('li');
    await agent.keyboard.press('n');
    await agent.keyboard.press('c');
    await expect.poll(() => agent.locator('#case-state').textContent()).toBe('人工处理中');
    await page.click('#dashboard-form button[type=submit]');
    await page.locator('#dashboard-agents td', { hasText: 'li' }).waitFor();
    const href = (await page.locator('#dashboard-csv').getAttribute('href'))!;
    expect(href).toMatch(/^\/console\/api\/dashboard\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
    const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    expect(csv).toContain('agent:li,claimed,1');

    await page.getByRole('button', { name: '审计日志', exact: true }).click();
    await page.locator('#audit td', { hasText: '接手' }).first().waitFor();
    await page.locator('#audit td', { hasText: '登录' }).first().waitFor();

    expect(await agent.getByRole('button', { name: '统计', exact: true }).isVisible()).toBe(false);
    expect(await agent.getByRole('button', { name: '用户', exact: true }).isVisible()).toBe(false);
  });

  it('lets an admin add a colleague, who can then log in', async () => {
    const { page } = await world.logIn('boss');
    await page.getByRole('button', { name: '用户', exact: true }).click();
    await page.locator('#users tr[data-name="zhao"]', { hasText: '赵主任' }).waitFor();
    expect(await page.locator('#users tr[data-name="zhao"] select').inputValue()).toBe('supervisor');
    await page.fill('#user-form input[name=name]', 'wang');
    await page.fill('#user-form input[name=displayName]', '王老师');
    await page.fill('#user-form input[name=password]', 'short');
    await page.click('#user-form button');
    await page.getByText('a password needs at least 12 characters', { exact: false }).waitFor();
    await page.fill('#user-form input[name=password]', 'a long enough password');
    await page.click('#user-form button');
    await page.locator('#users tr[data-name="wang"]', { hasText: '王老师' }).waitFor();
    await world.logIn('wang', 'a long enough password');

    // A role change ends her sessions; she logs in again as a supervisor.
    await page.locator('#users tr[data-name="wang"] select').selectOption('supervisor');
    await page.locator('#status', { hasText: '角色改为主管' }).waitFor();
    const { page: wang } = await world.logIn('wang', 'a long enough password');
    expect(await wang.getByRole('button', { name: '统计', exact: true }).isVisible()).toBe(true);
  });
});
