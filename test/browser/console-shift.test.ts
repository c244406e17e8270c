/**
 * A shift in the console as staff would recognise it: an imminent chat arrives and rings, "n" opens it, "c" claims
 * it, a reply sent with Ctrl+Enter reaches her, typing shows both ways, and a chat with news is marked unread.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';
import { botTexts, openChat, say, type UserChat } from '../support/user.js';

const available = browserAvailable();

describe.skipIf(!available)('a shift in the console', () => {
  const world = consoleInBrowser(['li', 'wang'], { staffAvailable: async () => true });

  async function activities(chat: UserChat): Promise<{ type: string; text?: string; from: { id: string; name?: string } }[]> {
    const res = await fetch(`${world.base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` } });
    return ((await res.json()) as { activities: { type: string; text?: string; from: { id: string; name?: string } }[] }).activities;
  }

  async function herTyping(chat: UserChat): Promise<void> {
    const res = await fetch(`${world.base}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'typing', from: { id: 'u' } }),
    });
    expect(res.ok).toBe(true);
  }

  it('rings for an imminent chat; n opens it, c claims it, Ctrl+Enter sends, and her reply and typing show both ways', async () => {
    const li = await world.logIn('li');
    const { page } = li;
    const she = await openChat(world.base);
    await say(world.base, she, '他现在拿着刀在门口 <img src=x onerror=alert(1)>');

    // The chat arrives live: risk in colour and in words, the reasons in words, a waiting time that ticks, unread.
    const item = page.locator(`#queue li[data-id="${she.conversationId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('class')).toMatch(/risk-imminent/);
    expect(await item.locator('.risk').textContent()).toBe('紧急');
    expect(await item.innerText()).toContain('对方手持凶器');
    expect(await item.innerText()).toContain('新消息');
    // It rang: the alarm also says so in words.
    await page.locator('#status', { hasText: '有紧急对话在排队' }).waitFor();
    const waited = await item.locator('.wait').textContent();
    await expect.poll(() => item.locator('.wait').textContent(), { timeout: 3000 }).not.toBe(waited);

    // "n" opens the next chat in the queue.
    await page.keyboard.press('n');
    await page.locator('#chat-view').waitFor();
    await page.locator('#transcript li.from-user', { hasText: '他现在拿着刀在门口' }).waitFor();
    expect(await page.locator('#transcript li.from-user .who').first().textContent()).toBe('她');
    expect(await page.locator('#transcript li.from-bot .who').first().textContent()).toBe('自动助手');
    // Her markup is shown as text and runs nothing.
    await page.getByText('<img src=x onerror=alert(1)>', { exact: false }).first().waitFor();
    expect(await page.locator('#transcript img').count()).toBe(0);
    expect(page.url()).toContain(`#chat=${she.conversationId}`);
    expect(await page.locator('#case-risk').textContent()).toBe('风险：紧急');
    expect(await page.locator('#case-reasons').innerText()).toContain('对方手持凶器');
    expect(await item.innerText()).not.toContain('新消息');

    // "c" claims it; she hears a person joined; the chat moves to "my chats".
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('人工处理中');
    await page.locator(`#held li[data-id="${she.conversationId}"]`).waitFor();
    expect(await page.locator('#held-title').textContent()).toBe('我的对话');
    await expect.poll(async () => (await botTexts(world.base, she)).join('\n')).toContain('李老师');

    // "r" goes to the reply box; while she types there, the woman sees that staff are typing.
    await page.locator('#chat-title').focus();
    await page.keyboard.press('r');
    expect(await page.evaluate('document.activeElement?.id')).toBe('reply');
    await page.keyboard.type('我是李老师，你现在能到邻居家去吗？');
    await expect.poll(async () => (await activities(she)).some((a) => a.type === 'typing' && a.from.name === '李老师'), { timeout: 8000 }).toBe(true);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => botTexts(world.base, she), { timeout: 10_000 }).toContain('我是李老师，你现在能到邻居家去吗？');
    await page.locator('#transcript li.from-agent', { hasText: '你现在能到邻居家去吗' }).waitFor();
    expect(await page.locator('#transcript li.from-agent .who').last().textContent()).toBe('李老师');
    expect(await page.inputValue('#reply')).toBe('');
    // Esc leaves the reply box, and the shortcuts work again.
    await page.keyboard.press('Escape');
    expect(await page.evaluate('document.activeElement?.id')).toBe('transcript');

    // She types and writes back: the line shows, then her message.
    await herTyping(she);
    await page.locator('#typing', { hasText: '她正在输入…' }).waitFor();
    await say(world.base, she, '可以，我现在出门');
    await page.locator('#transcript li.from-user', { hasText: '可以，我现在出门' }).waitFor();
    await expect.poll(() => page.locator('#typing').textContent()).toBe('');
    // Timestamps on every line.
    expect(await page.locator('#transcript li.msg time').first().textContent()).toMatch(/^\d\d:\d\d$/);

    // A second chat she has not looked at is unread; once she looked, a new message of hers marks it again.
    const second = await openChat(world.base);
    await say(world.base, second, '转人工');
    const other = page.locator(`#queue li[data-id="${second.conversationId}"]`);
    await other.waitFor();
    expect(await other.innerText()).toContain('新消息');
    await other.locator('button').click();
    await page.locator('#transcript li.from-user', { hasText: '转人工' }).waitFor();
    await page.locator(`#held li[data-id="${she.conversationId}"] button`).click();
    await page.locator('#transcript li.from-user', { hasText: '可以，我现在出门' }).waitFor();
    await expect.poll(() => other.innerText()).not.toContain('新消息');
    await say(world.base, second, '有人在吗');
    await expect.poll(() => other.innerText()).toContain('新消息');
    expect(li.errors).toEqual([]);
    expect(li.dialogs).toEqual([]);
  });

  it('tells the second agent clearly that a colleague took the chat first', async () => {
    const li = await world.logIn('li');
    const wang = await world.logIn('wang');
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    for (const { page } of [li, wang]) {
      await page.locator(`#queue li[data-id="${she.conversationId}"] button`).click();
      await page.locator('#transcript li.from-user').first().waitFor();
    }
    // Wang's page does not hear of Li's claim in time (its follow-up reads fail): his own claim is refused.
    const followUps = (url: URL) => url.searchParams.has('after');
    await wang.page.route(followUps, (route) => route.abort());
    await li.page.click('#claim');
    await expect.poll(() => li.page.locator('#case-state').textContent()).toBe('人工处理中');
    await wang.page.click('#claim');
    await wang.page.locator('#status', { hasText: '别人已经接手了这个对话' }).waitFor();
    await wang.page.unroute(followUps);
    // His queue no longer offers it.
    await expect.poll(() => wang.page.locator(`#queue li[data-id="${she.conversationId}"]`).count()).toBe(0);
    expect(wang.dialogs).toEqual([]);
  });

  it('acts on n then c in the order pressed, even while the queue is still loading after login', async () => {
    await say(world.base, await openChat(world.base), '转人工');
    // The queue answers late, as on a slow connection; the agent types at once.
    const slowQueue = async (page: Page) => {
      await page.route('**/console/api/queue', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await route.continue();
      });
    };
    const { page } = await world.logIn('wang', undefined, undefined, slowQueue);
    await page.keyboard.press('n');
    await page.keyboard.press('c');
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('人工处理中');
    expect(await page.locator('#chat-title').textContent()).not.toBe('');
  });

  it('drops a c pressed behind an n that could not open its chat, so it never claims the chat still on screen', async () => {
    type Work = { HL: { work: { current(): { id: string } | null; inTurn(a: () => void): Promise<void> } } };
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const other = await openChat(world.base);
    await say(world.base, other, '转人工');
    const { page } = await world.logIn('li');
    await page.locator(`#queue li[data-id="${other.conversationId}"]`).waitFor();
    await page.locator(`#queue li[data-id="${she.conversationId}"]`).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as Work).HL.work.current()?.id)).toBe(she.conversationId);
    // Colleagues take every other waiting chat meanwhile: opening any of them is refused.
    await page.route(/\/console\/api\/conversations\/[^/?]+$/, (route) =>
      route.request().url().endsWith(she.conversationId) || route.request().url().endsWith('/held')
        ? route.continue()
        : route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":"taken"}' }),
    );
    // "n" and "c" typed in one breath: "c" is pressed before the answer to "n" has come back.
    await page.evaluate("for (const key of ['n', 'c']) document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))");
    // Every key has had its turn.
    await page.evaluate(() => (globalThis as unknown as Work).HL.work.inTurn(() => undefined));
    expect(await page.evaluate(() => (globalThis as unknown as Work).HL.work.current()?.id)).toBe(she.conversationId);
    expect(await page.locator('#case-state').textContent()).toBe('排队中');
  });

  it('sends a reply once when the first try got no answer and the agent sends it again', async () => {
    const she = await openChat(world.base);
    await say(world.base, she, '转人工');
    const { page } = await world.logIn('wang');
    await page.locator(`#queue li[data-id="${she.conversationId}"]`).click();
    await page.click('#claim');
    await expect.poll(() => page.locator('#case-state').textContent()).toBe('人工处理中');
    // The first send reaches the service, but its answer is lost on the way back.
    let lost = false;
    await page.route('**/console/api/conversations/*/messages', async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('failed');
    });
    await page.fill('#reply', '我是王老师，你现在安全吗？');
    await page.click('#send');
    await page.locator('#status', { hasText: '发送失败' }).waitFor();
    expect(await page.locator('#reply').inputValue()).toBe('我是王老师，你现在安全吗？');
    await page.click('#send');
    await expect.poll(() => page.locator('#reply').inputValue()).toBe('');
    expect((await botTexts(world.base, she)).filter((t) => t === '我是王老师，你现在安全吗？')).toHaveLength(1);
  });
});
