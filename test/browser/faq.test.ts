/** The FAQ editor in a real browser: an admin edits and publishes, the widget answers with it; agents cannot reach it. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';

const available = browserAvailable();
const NEW_TEXT = '免费律师：拨打 12348，或到县区法律援助中心，带身份证和报警回执。新地址：市民中心三楼。';

describe.skipIf(!available)('the FAQ editor in a browser', () => {
  const world = consoleInBrowser(['boss', 'li']);

  it('lets an admin edit the legal aid answer, preview and publish it, and the widget answers with the new text', async () => {
    const { page, errors } = await world.logIn('boss');
    await page.getByRole('button', { name: 'FAQ 管理' }).click();
    await page.locator('tr[data-intent="legal_aid"]').click();
    await expect.poll(() => page.inputValue('input[name="zh.title"]')).toBe('法律援助');

    // A bad edit is refused with the field named and marked; nothing is saved.
    await page.fill('input[name="zh.title"]', '这是一个远远超过十二个字的按钮标题');
    await page.click('#faq-save');
    await page.getByText('zh.title: at most 12 characters').waitFor();
    expect(await page.getAttribute('input[name="zh.title"]', 'aria-invalid')).toBe('true');
    await page.fill('input[name="zh.title"]', '法律援助');

    await page.fill('textarea[name="zh.text"]', NEW_TEXT);
    await page.click('#faq-preview');
    await page.locator('#faq-preview-zh', { hasText: NEW_TEXT }).waitFor();
    expect(await page.locator('#faq-preview-zh').innerText()).toContain('一般性信息');

    await page.fill('input[name="note"]', '法援中心搬家');
    await page.click('#faq-save');
    await page.getByText('已发布 v1', { exact: false }).waitFor();
    await page.click('#faq-history');
    await page.locator('#faq-version-list li[data-version="1"]', { hasText: '法援中心搬家' }).waitFor();
    await page.locator('#faq-version-list li[data-version="1"] button.diff').click();
    await page.locator('#faq-diff ins', { hasText: '市民中心三楼' }).waitFor();

    // The widget, in another browser, without a restart.
    const widget = await (await world.browser.newContext()).newPage();
    await widget.goto(`${world.base}/`);
    await widget.getByText('机器人').first().waitFor();
    const box = widget.locator('[data-id="webchat-sendbox-input"]');
    await box.fill('法律援助怎么申请');
    await box.press('Enter');
    await widget.getByText('新地址：市民中心三楼', { exact: false }).first().waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the second of two admins a conflict with the other change', async () => {
    const first = await world.logIn('boss');
    const second = await world.logIn('boss');
    for (const { page } of [first, second]) {
      await page.getByRole('button', { name: 'FAQ 管理' }).click();
      await page.locator('tr[data-intent="shelter"]').click();
      await expect.poll(() => page.inputValue('input[name="zh.title"]')).not.toBe('');
    }
    await first.page.fill('textarea[name="en.text"]', 'Shelters are free and confidential. Call 12338 to be referred.');
    await first.page.click('#faq-save');
    await first.page.getByText('已发布 v1', { exact: false }).waitFor();
    await second.page.fill('input[name="en.title"]', 'Safe place to stay');
    await second.page.click('#faq-save');
    await second.page.locator('#faq-conflict').waitFor();
    expect(await second.page.locator('#faq-conflict').innerText()).toMatch(/v1[\s\S]*en\.text/);
    await second.page.click('#faq-reload');
    await expect.poll(() => second.page.inputValue('textarea[name="en.text"]')).toContain('Call 12338 to be referred');
  });

  it('keeps agents out: no FAQ tab, and the API answers 403', async () => {
    const { page } = await world.logIn('li');
    expect(await page.getByRole('button', { name: 'FAQ 管理' }).isVisible()).toBe(false);
    const status = await page.evaluate(async () => (await fetch('/console/api/faq/legal_aid')).status);
    expect(status).toBe(403);
  });
});
