import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { followEvents } from '../support/events.js';
import { ClaimConflictError, NotAssigneeError } from '../../src/handoff/service.js';
import { buildTestApp } from '../support/app.js';

let app: App;
let now = 1_800_000_000_000;
const li = { name: 'li', displayName: '李老师', publicId: 'staff-li' };
const wang = { name: 'wang', displayName: '王老师', publicId: 'staff-wang' };

beforeAll(async () => {
  app = await buildTestApp({ QUEUE_TIMEOUT_MINUTES: '10' }, { staffAvailable: async () => true, clock: () => now });
});
afterAll(async () => {
  await app.close();
});

let n = 0;
/** One user turn on the Direct Line channel, recorded first as the channel does. */
async function say(conversationId: string, text: string): Promise<void> {
  await app.logAdapter.receive(app.bot, conversationId, { id: `m${++n}`, activity: { type: 'message', text, from: { id: 'u', role: 'user' } } });
}

async function botTexts(conversationId: string): Promise<string[]> {
  return (await app.store.readMessages(conversationId)).filter((e) => e.from !== 'user').map((e) => e.text ?? '');
}

describe('the live-agent queue', () => {
  it('queues chats that need a person, riskiest first, with risk, reasons, topic and position', async () => {
    await say('q-asked', '你好');
    await say('q-asked', '转人工');
    now += 60_000;
    await say('q-high', '他说如果我离婚就杀了我');
    now += 60_000;
    await say('q-now', '他现在拿着刀在门口');
    const queue = await app.handoff.queue();
    const ids = queue.map((q) => q.conversationId);
    expect(ids.indexOf('q-now')).toBeLessThan(ids.indexOf('q-high'));
    expect(ids.indexOf('q-high')).toBeLessThan(ids.indexOf('q-asked'));
    const top = queue.find((q) => q.conversationId === 'q-now')!;
    expect(top).toMatchObject({ risk: 'imminent', position: ids.indexOf('q-now') + 1 });
    expect(top.signals).toContain('weapon_now');
  });

  it('re-orders a waiting chat at once when a new danger signal comes', async () => {
    const before = (await app.handoff.queue()).map((q) => q.conversationId).indexOf('q-asked');
    const told = (await botTexts('q-asked')).length;
    await say('q-asked', '救命 他在打我');
    const after = (await app.handoff.queue()).map((q) => q.conversationId).indexOf('q-asked');
    expect(after).toBeLessThan(before);
    // The emergency text first (an acknowledgement follows it while she waits for a person).
    expect((await botTexts('q-asked')).slice(told)[0]).toMatch(/110/);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    await say('q-race', '转人工');
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => app.handoff.claim('q-race', { name: `a${i}`, displayName: `A${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ClaimConflictError)).toBe(true);
    expect((await app.handoff.queue()).map((q) => q.conversationId)).not.toContain('q-race');
  });

  it('tells her who joined (display name, never the login), relays both ways, and keeps the bot silent', async () => {
    await say('q-chat', '转人工');
    const events = await followEvents(app.store);
    await app.handoff.claim('q-chat', li);
    expect((await botTexts('q-chat')).at(-1)).toMatch(/李老师/);
    // Channels that route to their own agents hear of it through the Bot Framework's handoff events.
    const activities = (await app.store.readMessages('q-chat')).map((e) => e.activity as { type?: string; name?: string; value?: unknown });
    expect(activities.some((a) => a?.name === 'handoff.initiate')).toBe(true);
    expect(activities.find((a) => a?.name === 'handoff.status')?.value).toEqual({ state: 'accepted' });
    expect((await botTexts('q-chat')).join('\n')).not.toMatch(/\bli\b/);
    const before = (await botTexts('q-chat')).length;
    await say('q-chat', '我想先跟你说说我家里的情况');
    await events.next((e) => e.type === 'message' && e.from === 'user');
    expect((await botTexts('q-chat')).length).toBe(before);
    await app.handoff.agentMessage('q-chat', li, '我在，你现在安全吗？');
    const log = await app.store.readMessages('q-chat');
    const last = log.at(-1)!;
    expect(last).toMatchObject({ from: 'agent', text: '我在，你现在安全吗？' });
    expect((last.activity as { from: { name: string } }).from.name).toBe('李老师');
    await expect(app.handoff.agentMessage('q-chat', wang, 'hello')).rejects.toThrow(NotAssigneeError);
    expect(events.seen.some((e) => e.type === 'queue.changed')).toBe(true);
    await events.stop();
  });

  it('with a person in an emergency chat: her calm answer is theirs; a new danger she writes still gets 110', async () => {
    await say('q-knife', '他现在拿着刀在门口');
    await app.handoff.claim('q-knife', li);
    await app.handoff.agentMessage('q-knife', li, '我是李老师。你现在能安全说话吗？');
    const before = (await botTexts('q-knife')).length;
    await say('q-knife', '能，他在客厅看电视');
    expect((await botTexts('q-knife')).slice(before)).toEqual([]);
    await say('q-knife', '他正在掐我脖子');
    expect((await botTexts('q-knife')).slice(before).join('\n')).toMatch(/110/);
  });

  it('releases, transfers and resolves; after resolve the bot answers again and says so', async () => {
    await app.handoff.release('q-chat', li);
    expect((await app.handoff.queue()).map((q) => q.conversationId)).toContain('q-chat');
    await app.handoff.claim('q-chat', li);
    await app.handoff.transfer('q-chat', li, wang);
    expect((await botTexts('q-chat')).at(-1)).toMatch(/王老师/);
    await app.handoff.resolve('q-chat', wang, 'referred_legal_aid');
    expect((await botTexts('q-chat')).at(-1)).toMatch(/自动助手/);
    await say('q-chat', '法律援助怎么申请');
    expect((await botTexts('q-chat')).join('\n')).toMatch(/12348/);
    expect((await app.conversations.get('q-chat'))?.resolution?.outcome).toBe('referred_legal_aid');
  });

  it('tells a waiting user her place, and past the timeout says so honestly and alerts a supervisor', async () => {
    await say('q-wait', '转人工');
    await app.handoff.tick();
    expect((await botTexts('q-wait')).at(-1)).toMatch(/排在第 \d+ 位/);
    const events = await followEvents(app.store);
    now += 11 * 60_000;
    await app.handoff.tick();
    expect((await botTexts('q-wait')).join('\n')).toMatch(/12338/);
    expect(await events.next((e) => e.type === 'supervisor.alert')).toMatchObject({ reason: 'queue_timeout' });
    await events.stop();
  });

  it('closes a conversation cleanly', async () => {
    await app.handoff.close('q-high');
    expect((await app.conversations.get('q-high'))?.state).toBe('closed');
    expect((await app.handoff.queue()).map((q) => q.conversationId)).not.toContain('q-high');
  });
});
