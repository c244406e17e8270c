/** Supervisor and admin screens in a real browser: the dashboard, the audit log, adding a colleague. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addUser } from '../../src/console/accounts.js';
import { buildTestApp } from '../support/app.js';
import { browserAvailable, launch, logInToConsole } from '../support/browser.js';
import { openChat, say } from '../support/user.js';

const available = browserAvailable();

describe.skipIf(!available)('supervisor and admin screens in a browser', () => {
  let app: App;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    app = await buildTestApp({}, { staffAvailable: async () => true });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
    await addUser(app.store, { name: 'zhao', role: 'supervisor', password: 'supervisor password 1', displayName: '赵主任' });
    await addUser(app.store, { name: 'boss', role: 'admin', password: 'the admin password', displayName: '周律师' });
    await addUser(app.store, { name: 'li', role: 'agent', password: 'correct horse battery', displayName: '李老师' });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const logIn = async (name: string, password: string): Promise<Page> => (await logInToConsole(browser, base, name, password)).page;


  it('shows a supervisor the period figures and the audit log; an agent sees neither tab', async () => {
    await say(base, await openChat(base), '转人工');
    await say(base, await openChat(base), '法律援助怎么申请');
    const page = await logIn('zhao', 'supervisor password 1');
    await page.getByRole('button', { name: '统计' }).click();
    await expect.poll(() => page.locator('.card[data-figure="对话"] .figure').textContent()).toBe('2');
    expect(await page.locator('.card[data-figure="转人工"] .figure').textContent()).toBe('1');
    expect(await page.locator('.card[data-figure="当前排队"] .figure').textContent()).toBe('1');
    expect(await page.locator('#dashboard-topics').innerText()).toContain('legal_aid');

    await page.getByRole('button', { name: '审计日志' }).click();
    await page.locator('#audit td', { hasText: 'login' }).first().waitFor();

    const agent = await logIn('li', 'correct horse battery');
    expect(await agent.getByRole('button', { name: '统计' }).isVisible()).toBe(false);
    expect(await agent.getByRole('button', { name: '用户' }).isVisible()).toBe(false);
  });

  it('lets an admin add a colleague, who can then log in', async () => {
    const page = await logIn('boss', 'the admin password');
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
    await logIn('wang', 'a long enough password');
  });
});
