/** The staff console in a real browser: a live imminent chat, a claim, a reply that reaches her, a lost race. */
import { describe, expect, it } from 'vitest';
import { browserAvailable, consoleInBrowser } from '../support/browser.js';

const available = browserAvailable();

describe.skipIf(!available)('the staff console in a browser', () => {
  const world = consoleInBrowser(['li', 'wang']);


  async function userChat(text: string): Promise<{ conversationId: string; token: string }> {
    const s = (await (await fetch(`${world.base}/v3/directline/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string };
    await fetch(`${world.base}/v3/directline/conversations/${s.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'u' } }),
    });
    return s;
  }

  it('shows a new imminent chat live; the agent claims and replies and she receives it; a second claim fails clearly', async () => {
    const li = await world.logIn('li');
    const wang = await world.logIn('wang');
    const s = await userChat('他现在拿着刀在门口 <img src=x onerror=alert(1)>');

    const item = li.page.locator(`#queue li[data-id="${s.conversationId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('class')).toMatch(/risk-imminent/);
    expect(await item.innerText()).toMatch(/紧急[\s\S]*对方手持凶器/);

    // Both agents open the waiting chat; Li claims first.
    await wang.page.locator(`#queue li[data-id="${s.conversationId}"] button`).click();
    await wang.page.locator('#transcript li.msg').first().waitFor();
    await item.locator('button').click();
    await li.page.locator('#transcript li.msg').first().waitFor();
    // The user's markup is shown as text and runs nothing.
    await li.page.getByText('<img src=x onerror=alert(1)>', { exact: false }).first().waitFor();
    expect(await li.page.locator('#transcript img').count()).toBe(0);

    // Wang's page does not hear of Li's claim before he claims too (its follow-up reads fail meanwhile).
    const followUps = (url: URL) => url.searchParams.has('after');
    await wang.page.route(followUps, (route) => route.abort());
    await li.page.click('#claim');
    await expect.poll(() => li.page.locator('#case-assignee').textContent()).toBe('你（li）');
    // The chat she holds stays listed under her own chats, so a reload does not lose it.
    await li.page.locator(`#held li[data-id="${s.conversationId}"]`).waitFor();
    expect(await li.page.locator('#held-title').textContent()).toBe('我的对话');
    await wang.page.click('#claim');
    await wang.page.getByText('someone else has taken this chat', { exact: false }).waitFor();
    await wang.page.unroute(followUps);

    await li.page.fill('#reply', '我是李老师，你现在能到邻居家去吗？');
    await li.page.click('#send');
    const reply = async () => {
      const res = await fetch(`${world.base}/v3/directline/conversations/${s.conversationId}/activities`, { headers: { authorization: `Bearer ${s.token}` } });
      return ((await res.json()) as { activities: { text?: string }[] }).activities.map((a) => a.text ?? '');
    };
    await expect.poll(reply, { timeout: 10_000 }).toContain('我是李老师，你现在能到邻居家去吗？');
    expect(li.dialogs).toEqual([]);
    expect(li.errors).toEqual([]);
    expect(wang.dialogs).toEqual([]);
  });
});
