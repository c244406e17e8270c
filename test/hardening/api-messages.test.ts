/**
 * Finding 5: /api/messages is closed without a Bot Framework registration, unless the development setting opens
 * it to allow-listed serviceUrls; and even then an activity that names a Direct Line chat's id can neither write
 * into her transcript nor redirect where her replies (the bot's and staff's) go.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { botFrameworkKey } from '../../src/channels/recorder.js';
import { buildTestApp } from '../support/app.js';
import { bfActivity, startChannel, type FakeChannel } from '../support/channel.js';
import { addStaff, staffClient } from '../support/staff.js';

interface Chat {
  conversationId: string;
  token: string;
}

const postActivity = (base: string, activity: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });

describe('without MICROSOFT_APP_ID and without BOT_ALLOW_UNAUTHENTICATED', () => {
  let app: App;
  let base: string;
  let channel: FakeChannel;
  beforeAll(async () => {
    channel = await startChannel();
    // Even with an allow-list configured: the allow-list alone does not open the endpoint.
    app = await buildTestApp({ ALLOWED_SERVICE_URLS: channel.url });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await channel?.close();
  });

  it('refuses with 403 and stores nothing, whatever the activity says', async () => {
    const before = await app.store.listConversations({ from: 0, to: Date.now() + 60_000, offset: 0, limit: 1000 });
    const activities = [
      bfActivity(channel.url, 'conv-closed', '他拿着刀'),
      { ...bfActivity(channel.url, 'conv-closed-2', 'hello'), channelId: 'directline' },
      { ...bfActivity('http://evil.test', 'conv-closed-3', 'hello') },
      { type: 'conversationUpdate', serviceUrl: channel.url, channelId: 'test', conversation: { id: 'conv-closed-4' }, membersAdded: [{ id: 'u' }], recipient: { id: 'bot' }, from: { id: 'u' } },
    ];
    for (const activity of activities) {
      const res = await postActivity(base, activity, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.' });
      expect(res.status).toBe(403);
      const plain = await postActivity(base, activity);
      expect(plain.status).toBe(403);
    }
    for (const [channelId, id] of [['test', 'conv-closed'], ['directline', 'conv-closed-2'], ['test', 'conv-closed-3'], ['test', 'conv-closed-4']] as const) {
      expect(await app.transcript.read(botFrameworkKey(channelId, id))).toEqual([]);
      expect(await app.transcript.read(id)).toEqual([]);
    }
    const after = await app.store.listConversations({ from: 0, to: Date.now() + 60_000, offset: 0, limit: 1000 });
    expect(after.length).toBe(before.length);
    expect(channel.received).toEqual([]);
  });
});

describe('with the development setting and an allow-list', () => {
  let app: App;
  let base: string;
  let channel: FakeChannel;
  const { login, call } = staffClient(() => base);

  beforeAll(async () => {
    channel = await startChannel();
    app = await buildTestApp({ BOT_ALLOW_UNAUTHENTICATED: 'true', ALLOWED_SERVICE_URLS: channel.url }, { staffAvailable: async () => true });
    base = `http://127.0.0.1:${(await app.listen()).port}`;
    await addStaff(app.store, 'li');
  });
  afterAll(async () => {
    await app?.close();
    await channel?.close();
  });

  async function openChat(): Promise<Chat> {
    const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST' });
    expect(res.status).toBe(201);
    return (await res.json()) as Chat;
  }
  async function herTranscript(chat: Chat): Promise<{ id: string; text?: string; type: string; from: { id: string; role?: string } }[]> {
    const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { activities: { id: string; text?: string; type: string; from: { id: string; role?: string } }[] }).activities;
  }
  const say = (chat: Chat, text: string) =>
    fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'u' } }),
    });

  it('an activity naming her Direct Line chat adds nothing to her transcript', async () => {
    const chat = await openChat();
    expect((await say(chat, '怎么申请保护令')).status).toBe(200);
    const before = await herTranscript(chat);
    const recordBefore = await app.conversations.get(chat.conversationId);
    const forged = 'FORGED-INTO-HER-CHAT';
    for (const channelId of ['directline', 'test', 'webchat', 'msteams']) {
      const activity = { ...bfActivity(channel.url, chat.conversationId, `${forged} ${channelId} 转人工`, channelId), from: { id: 'u', name: 'user', role: 'user' } };
      expect((await postActivity(base, activity)).status).toBe(200);
      // The same with a conversationUpdate, as a channel would send first.
      const update = { type: 'conversationUpdate', id: `up-${channelId}`, serviceUrl: channel.url, channelId, conversation: { id: chat.conversationId }, membersAdded: [{ id: 'u' }], recipient: { id: 'bot' }, from: { id: 'u' } };
      expect((await postActivity(base, update)).status).toBe(200);
    }
    const after = await herTranscript(chat);
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain(forged);
    expect(JSON.stringify(await app.store.readMessages(chat.conversationId))).not.toContain(forged);
    // Her record is untouched: same channel, no Bot Framework reference, not moved to the queue.
    const recordAfter = await app.conversations.get(chat.conversationId);
    expect(recordAfter?.channel).toBe(recordBefore?.channel);
    expect(recordAfter?.reference).toBe(recordBefore?.reference);
    expect(recordAfter?.state).toBe(recordBefore?.state);
    // What was sent went to its own, separate chat.
    expect((await app.transcript.read(botFrameworkKey('directline', chat.conversationId))).some((e) => e.text?.includes(forged))).toBe(true);
  });

  it('does not change where her replies go: the bot and staff still reach her on Direct Line, never the forged channel', async () => {
    const chat = await openChat();
    expect((await say(chat, '他说如果我离婚就杀了我')).status).toBe(200);
    expect((await app.conversations.get(chat.conversationId))?.state).toBe('queued');
    // The forger claims her conversation from an allow-listed channel, before and after a person takes it.
    const forge = (text: string) => postActivity(base, { ...bfActivity(channel.url, chat.conversationId, text, 'directline'), from: { id: 'u', role: 'user' } });
    expect((await forge('转人工')).status).toBe(200);
    const li = await login('li');
    expect((await call(li, 'POST', `/conversations/${chat.conversationId}/claim`)).status).toBe(200);
    expect((await forge('你好')).status).toBe(200);
    const sentToChannel = channel.received.length;
    const staffText = 'STAFF-REPLY-FOR-HER 我在，你现在安全吗？';
    expect((await call(li, 'POST', `/conversations/${chat.conversationId}/messages`, { text: staffText })).status).toBe(201);
    expect((await say(chat, '我现在安全')).status).toBe(200);
    expect((await call(li, 'POST', `/conversations/${chat.conversationId}/resolve`, { outcome: 'referred_court' })).status).toBe(200);
    expect((await say(chat, '怎么申请保护令')).status).toBe(200);

    const mine = await herTranscript(chat);
    const messages = mine.filter((a) => a.type === 'message');
    expect(messages.map((a) => a.text)).toContain(staffText);
    // The bot answered her last question, in her own transcript.
    const lastOfHers = messages.map((a) => a.from.role).lastIndexOf('user');
    expect(messages[lastOfHers]?.text).toBe('怎么申请保护令');
    expect(messages.slice(lastOfHers + 1).some((a) => /保护令/.test(a.text ?? ''))).toBe(true);
    // Nothing of her chat went to the forged channel after its last message: not staff's words, not the bot's
    // answers to her, not the status messages.
    expect(channel.received.slice(sentToChannel).map((r) => String(r.body.text ?? r.body.type))).toEqual([]);
    expect(channel.received.some((r) => String(r.body.text ?? '').includes('STAFF-REPLY-FOR-HER'))).toBe(false);
    // The console shows her chat as hers: the forged messages are not in it.
    const zhaoView = await app.transcript.read(chat.conversationId);
    expect(zhaoView.some((e) => e.text === '转人工' && e.from === 'user')).toBe(false);
  });
});
