/**
 * The case work around chats in the console: the history finds yesterday's resolved chat and opens it read-only
 * with a printable transcript; a referral sent from the 转介 list reaches her; admins edit the list and a stale save
 * is refused clearly; an offline request is listed under 回访 and marked done.
 */
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { staffClient } from '../support/staff.js';
import { botTexts, openChat, say } from '../support/user.js';

const available = browserAvailable();
const DAY = 86_400_000;
/** A date as the hotline's calendar (Asia/Shanghai, the default TIME_ZONE) names it. */
const hotlineDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(ms));

describe.skipIf(!available)('case work in the console', () => {
  let offset = 0;
  let staffOnline = true;
  // Every chat of these tests comes from one address: the limit on new chats per address is raised.
  const world = consoleInBrowser(['li', 'zhao', 'boss', 'chief'], { clock: () => Date.now() + offset, staffAvailable: async () => staffOnline }, { NEW_CHATS_PER_MINUTE: '1000', MESSAGES_PER_MINUTE: '1000', CLIENT_MESSAGES_PER_MINUTE: '10000' });
  const staff = staffClient(() => world.base);

  it('finds yesterday’s resolved chat in the history and opens it read-only, with a print link', async () => {
    // Yesterday: she asked for a person about legal aid; Li took the chat, noted, replied and resolved it.
    offset = -DAY;
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    await say(world.base, she, '我想申请法律援助，律师费太贵了');
    const li = await staff.login('li');
    const id = she.conversationId;
    expect((await staff.call(li, 'POST', `/conversations/${id}/claim`)).status).toBe(200);
    expect((await staff.call(li, 'POST', `/conversations/${id}/messages`, { text: '法律援助中心可以免费帮你，电话 12348。' })).status).toBe(201);
    expect((await staff.call(li, 'POST', `/conversations/${id}/notes`, { text: '她下周去法援中心' })).status).toBe(201);
    expect((await staff.call(li, 'POST', `/conversations/${id}/resolve`, { outcome: 'referred_legal_aid' })).status).toBe(200);
    offset = 0;
    // Today, a chat of another day's search would not show.
    const today = await openChat(world.base);
    await say(world.base, today, '转人工');

    const { page, errors } = await world.logIn('li');
    await page.click('#tabs [data-tab="history-panel"]');
    const yesterday = hotlineDate(Date.now() - DAY);
    await page.fill('#h-from', yesterday);
    await page.fill('#h-to', yesterday);
    await page.selectOption('#h-outcome', 'referred_legal_aid');
    await page.click('#history-form button[type=submit]');
    const row = page.locator(`#history tr[data-id="${id}"]`);
    await row.waitFor();
    expect(await page.locator('#history tbody tr').count()).toBe(1);
    expect(await row.innerText()).toContain('转介法律援助');
    expect(await row.innerText()).toContain('昨天');

    await row.locator('button').click();
    await page.locator('#chat-view').waitFor();
    await page.locator('#transcript li.from-user', { hasText: '律师费太贵了' }).waitFor();
    await page.locator('#transcript li.from-agent', { hasText: '电话 12348' }).waitFor();
    expect(await page.locator('#readonly-note').isVisible()).toBe(true);
    expect(await page.locator('#reply-form').isVisible()).toBe(false);
    expect(await page.locator('#case-outcome').textContent()).toBe('转介法律援助');
    expect(await page.locator('#notes').innerText()).toContain('她下周去法援中心');

    // 打印: the audited export, with the internal notes only when asked for.
    const link = page.locator('#export-link');
    expect(await link.getAttribute('href')).toBe(`/console/api/conversations/${id}/export`);
    await page.check('#export-notes');
    expect(await link.getAttribute('href')).toBe(`/console/api/conversations/${id}/export?notes=1`);
    const printed = await page.evaluate(async (href) => (await fetch(href)).text(), (await link.getAttribute('href'))!);
    expect(printed).toContain('律师费太贵了');
    expect(printed).toContain('她下周去法援中心');
    await page.click('#back-to-history');
    await page.locator('#history-panel').waitFor();
    expect(errors).toEqual([]);
  });

  it('pages through a long history with 更多 (a supervisor sees every chat)', async () => {
    for (let i = 0; i < 52; i++) await say(world.base, await openChat(world.base), '你好');
    const { page } = await world.logIn('zhao');
    await page.click('#tabs [data-tab="history-panel"]');
    await expect.poll(() => page.locator('#history tbody tr').count()).toBe(50);
    await page.click('#history-more');
    await expect.poll(() => page.locator('#history tbody tr').count()).toBeGreaterThan(52);
  });

  it('sends a referral from the 转介 list to her, in one step, and lists it in the case', async () => {
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const { page, errors } = await world.logIn('li');
    await page.locator(`#queue li[data-id="${she.conversationId}"] button`).click();
    await page.click('#claim');
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('人工处理中');

    await page.click('#tabs [data-tab="referrals-panel"]');
    await page.locator('#referrals-example', { hasText: '示例数据' }).waitFor();
    await page.selectOption('#r-kind', 'legal_aid');
    await page.click('#referrals-form button[type=submit]');
    const card = page.locator('#referral-list li[data-id="legal-aid-city"]');
    await card.waitFor();
    expect(await page.locator('#referral-list li[data-id="police-dongcheng"]').count()).toBe(0);
    await card.getByRole('button', { name: /发给她/ }).click();
    await expect.poll(async () => (await botTexts(world.base, she)).join('\n'), { timeout: 10_000 }).toContain('示例市法律援助中心');
    expect((await botTexts(world.base, she)).join('\n')).toContain('010-5550-0401');

    await page.click('#tabs [data-tab="work"]');
    await page.locator('#referrals-sent li', { hasText: '示例市法律援助中心' }).waitFor();
    await page.locator('#transcript li.from-agent', { hasText: '示例市法律援助中心' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('lets admins edit the referral list as form rows; a bad field is marked, a stale save is refused clearly', async () => {
    const first = await world.logIn('boss');
    const second = await world.logIn('chief');
    for (const { page } of [first, second]) {
      await page.click('#tabs [data-tab="referrals-panel"]');
      await page.click('#referrals-edit');
      await page.locator('#referrals-rows fieldset').first().waitFor();
    }
    const phone = (page: typeof first.page) => page.locator('#referrals-rows fieldset').first().locator('[data-key="phone"]');
    await phone(first.page).fill('');
    await first.page.click('#referrals-editor button[type=submit]');
    await first.page.locator('#status', { hasText: 'items.0.phone' }).waitFor();
    expect(await phone(first.page).getAttribute('aria-invalid')).toBe('true');
    await phone(first.page).fill('010-5550-9999');
    await first.page.click('#referrals-editor button[type=submit]');
    await first.page.locator('#status', { hasText: '已保存 v1' }).waitFor();
    await first.page.locator('#referral-list li', { hasText: '010-5550-9999' }).waitFor();
    // The example notice goes once the list is the federation's own.
    expect(await first.page.locator('#referrals-example').isVisible()).toBe(false);

    await phone(second.page).fill('010-5550-8888');
    await second.page.click('#referrals-editor button[type=submit]');
    await second.page.locator('#referrals-conflict').waitFor();
    expect(await second.page.locator('#referrals-conflict').innerText()).toContain('你的修改没有保存');
    await second.page.click('#referrals-reload');
    await expect.poll(() => phone(second.page).inputValue()).toBe('010-5550-9999');
  });

  it('lists the request she left while nobody was online under 回访, and marks it done with a result', async () => {
    staffOnline = false;
    const she = await openChat(world.base);
    try {
      expect((await say(world.base, she, '转人工')).join('\n')).toContain('给工作人员留言');
      await say(world.base, she, '给工作人员留言');
      await say(world.base, she, '请在晚上八点以后联系我');
      await say(world.base, she, '留下安全联系方式');
      await say(world.base, she, '只发短信到 13800000000');
      await say(world.base, she, '工作日晚上八点以后');
    } finally {
      staffOnline = true;
    }
    const { page, errors } = await world.logIn('li');
    // In the queue, marked as having come in while nobody was online.
    await page.locator(`#queue li[data-id="${she.conversationId}"]`, { hasText: '无人在线时进入' }).waitFor();

    await page.click('#tabs [data-tab="callbacks-panel"]');
    const row = page.locator(`#callbacks tr[data-id="${she.conversationId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('无人在线时的留言');
    expect(await row.innerText()).toContain('待回访');

    // Her words are in the chat (an audited reading).
    await row.getByRole('button', { name: '查看对话' }).click();
    await page.locator('#callback-facts', { hasText: '只发短信到 13800000000' }).waitFor();
    expect(await page.locator('#callback-facts').innerText()).toContain('工作日晚上八点以后');
    expect(await page.locator('#callback-facts').innerText()).toContain('请在晚上八点以后联系我');

    await page.click('#tabs [data-tab="callbacks-panel"]');
    await row.locator('select').selectOption('reached');
    await row.getByRole('button', { name: '已完成' }).click();
    await expect.poll(() => row.innerText()).toContain('已完成：已联系上');
    expect(errors).toEqual([]);
  });
});
