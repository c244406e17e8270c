import { TestAdapter, ActivityTypes, type Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';

let app: App;
let staffOnline = false;
beforeAll(async () => {
  app = await buildTestApp({}, { staffAvailable: async () => staffOnline });
});
afterAll(async () => {
  await app.close();
});

let conversations = 0;
/** A fresh conversation each time: state is per conversation and the store is shared by the file. */
function adapter(): TestAdapter {
  return new TestAdapter(async (context) => app.bot.run(context), {
    conversation: { id: `test-${++conversations}` } as Activity['conversation'],
  });
}

/** Sends one activity and returns every reply the bot sent for it. */
async function exchange(a: TestAdapter, activity: Partial<Activity> | string): Promise<Partial<Activity>[]> {
  const before = a.activeQueue.length;
  await a.receiveActivity(activity);
  return a.activeQueue.splice(before);
}

describe('the bot through the Bot Framework test adapter', () => {
  it('welcomes a new user once: a bot, what it does, who can read the chat, the emergency numbers', async () => {
    const a = adapter();
    const [welcome] = await exchange(a, {
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: 'user', name: 'user' }],
      recipient: { id: 'bot', name: 'bot' },
    });
    expect(welcome?.text).toMatch(/机器人/);
    // Not "confidential" without its limits: staff can read it, and it is kept for a limited time.
    expect(welcome?.text).toMatch(/工作人员.*可以看到/);
    expect(welcome?.text).toMatch(/只保存一段时间/);
    expect(welcome?.text).toMatch(/110/);
    expect(welcome?.suggestedActions?.actions.length).toBeGreaterThan(3);
    // A reconnect announces her again: no second welcome; and "hello" gets a short answer, not the welcome again.
    expect(await exchange(a, { type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'user', name: 'user' }], recipient: { id: 'bot', name: 'bot' } })).toEqual([]);
    const [hello] = await exchange(a, '你好');
    expect(hello?.text).not.toBe(welcome?.text);
    expect(hello!.text!.length).toBeLessThan(welcome!.text!.length / 2);
  });

  it('answers a rights question with the article, the review date and follow-up buttons', async () => {
    const [reply] = await exchange(adapter(), '怎么申请人身安全保护令');
    expect(reply?.text).toMatch(/法院/);
    expect(reply?.text).toMatch(/《反家庭暴力法》第23条/);
    expect(reply?.text).toMatch(/一般性信息/);
    expect(reply?.text).toMatch(/更新于 \d{4}-\d{2}-\d{2}/);
    expect(reply?.suggestedActions?.actions.map((x) => x.title)).toContain('多久下来、收费吗');
  });

  it('answers in English when she writes English', async () => {
    const [reply] = await exchange(adapter(), 'how do i apply for a protection order');
    expect(reply?.text).toMatch(/court/);
    expect(reply?.text).toMatch(/Anti-Domestic Violence Law, Art\. 23/);
  });

  it('treats a tapped button as its topic, without guessing', async () => {
    const [reply] = await exchange(adapter(), '法律援助');
    expect(reply?.text).toMatch(/12348/);
  });

  it('offers the topic menu when it does not understand, and a person on the second miss', async () => {
    const a = adapter();
    const [first] = await exchange(a, '今天天气怎么样');
    expect(first?.suggestedActions?.actions.length).toBeGreaterThan(3);
    const second = await exchange(a, 'asdkjhqwe');
    expect(second.map((r) => r.text).join('\n')).toMatch(/工作人员/);
    // Nobody is online in these tests: the offer of a person is the hotline number.
    expect(second.at(-1)?.text).toMatch(/12338/);
  });

  it('gives the emergency text first when she is in danger now', async () => {
    const replies = await exchange(adapter(), '他现在拿着刀在门口说要杀了我');
    expect(replies[0]?.text).toMatch(/110/);
    expect(replies[0]?.text).toMatch(/12110/);
    // With nobody online she is told so, honestly, after the steps.
    expect(replies.slice(1).map((r) => r.text).join('\n')).toMatch(/没有工作人员在线/);
  });

  it('with staff online: queues the chat and stays silent on its own, except for a new emergency', async () => {
    staffOnline = true;
    try {
      const a = adapter();
      const [queued] = await exchange(a, '转人工');
      expect(queued?.text).toMatch(/工作人员（真人）/);
      expect(await exchange(a, '怎么申请保护令')).toEqual([]);
      // Told of violence while she waits: met with words, but the question she typed waits for the person.
      const told = await exchange(a, '他昨天又打我了，怎么申请保护令？');
      expect(told.length).toBeGreaterThan(0);
      expect(told.map((r) => r.text).join('\n')).not.toMatch(/法院/);
      const [urgent] = await exchange(a, '救命 他在打我');
      expect(urgent?.text).toMatch(/110/);
      const queue = await app.store.listQueue();
      expect(queue.map((q) => q.item.risk)).toContain('imminent');
    } finally {
      staffOnline = false;
    }
  });

  it('with nobody online: queues the chat all the same, says so honestly with the hours, and offers a message and a safe contact', async () => {
    const a = adapter();
    const [none] = await exchange(a, '转人工');
    expect(none?.text).toMatch(/没有工作人员在线/);
    expect(none?.text).toMatch(/周一至周五 08:30-17:30/);
    expect(none?.text).toMatch(/12338/);
    expect(none?.suggestedActions?.actions.map((x) => x.title)).toEqual(['给工作人员留言', '留下安全联系方式', '不要联系我']);
    expect((await app.store.listQueue()).find((q) => q.item.conversationId === `test-${conversations}`)?.item.offline).toBe(true);
    // Queued: the bot does not answer on its own; it says her words are kept for staff.
    const [kept] = await exchange(a, '怎么申请保护令');
    expect(kept?.text).toMatch(/保存/);
    expect(kept?.text).not.toMatch(/法院/);
  });

  it('with a person holding the chat, her words are for that person: no intake question, no tap, no greeting', async () => {
    const a = adapter();
    const id = `test-${conversations}`;
    await exchange(a, '转人工');
    const [asked] = await exchange(a, '留下安全联系方式');
    expect(asked?.text).toBeTruthy();
    await app.handoff.claim(id, { name: 'li', displayName: '李老师', publicId: 'staff-li' });
    expect(await exchange(a, '你好，我在')).toEqual([]);
    expect(await exchange(a, '留下安全联系方式')).toEqual([]);
    expect(await exchange(a, { type: ActivityTypes.Event, name: 'setLocale', value: 'en-US' })).toEqual([]);
    expect((await app.conversations.get(id))?.callback?.contactWay).toBeUndefined();
  });

  it('while she answers a question of the bot, a high-risk disclosure still names the danger and gives the steps', async () => {
    const a = adapter();
    await exchange(a, '转人工');
    await exchange(a, '给工作人员留言');
    const replies = (await exchange(a, '他昨天掐我脖子，我差点喘不过气')).map((r) => r.text).join('\n');
    expect(replies).toMatch(/掐/);
    expect(replies).toMatch(/110/);
    expect(replies).toMatch(/保存/);
  });

  it('handles a picture, an empty message, emoji only and a 20,000-character message without an error', async () => {
    const picture = await exchange(adapter(), { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'data:,' }] });
    expect(picture[0]?.text).toMatch(/文字/);
    const empty = await exchange(adapter(), { type: 'message', text: '' });
    expect(empty[0]?.suggestedActions?.actions.length).toBeGreaterThan(3);
    const emoji = await exchange(adapter(), '😭😭😭');
    expect(emoji[0]?.text).toBeTruthy();
    const long = await exchange(adapter(), `${'我想问一下关于离婚的事情。'.repeat(1600)}他刚才掐我脖子`);
    // The danger at the very end of a very long message is seen and named, with the steps and 110.
    expect(long[0]?.text).toMatch(/掐/);
    expect(long.map((r) => r.text).join('\n')).toMatch(/110/);
  });

  it('ignores activities that are not messages', async () => {
    expect(await exchange(adapter(), { type: ActivityTypes.Typing })).toEqual([]);
    expect(await exchange(adapter(), { type: ActivityTypes.Event, name: 'whatever' })).toEqual([]);
  });
});
