/**
 * Finding 6: only the agent holding a chat may add a note; every action on a chat and every failed login is in the
 * audit log, which never holds what was written; and nothing Direct Line returns to her carries a staff login name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addUser } from '../../src/console/accounts.js';
import { buildTestApp } from '../support/app.js';
import { staffClient } from '../support/staff.js';

// Login names that cannot occur by chance in any other text.
const AGENT_A = { name: 'loginname-qx7a', displayName: '李老师', role: 'agent', password: 'agent a long password' } as const;
const AGENT_B = { name: 'loginname-qx7b', displayName: '王老师', role: 'agent', password: 'agent b long password' } as const;
const SUPERVISOR = { name: 'loginname-qx7s', displayName: '赵主任', role: 'supervisor', password: 'supervisor long password' } as const;
const LOGIN_NAMES = [AGENT_A.name, AGENT_B.name, SUPERVISOR.name];

const NOTE = 'NOTE-MARKER 她说丈夫在幸福路88号的单位上班';
const REPLY = 'REPLY-MARKER 我在，你现在安全吗？';
const CALLBACK = 'CALLBACK-MARKER 13800138000';
const HERS = 'HER-MARKER 他说如果我离婚就杀了我';

let app: App;
let base: string;
const { login, call } = staffClient(() => base);

beforeAll(async () => {
  app = await buildTestApp({}, { staffAvailable: async () => true, sleep: async () => undefined });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  for (const u of [AGENT_A, AGENT_B, SUPERVISOR]) await addUser(app.store, u);
});
afterAll(async () => {
  await app?.close();
});

interface Chat {
  conversationId: string;
  token: string;
}

async function chatNeedingAPerson(): Promise<Chat> {
  const chat = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST' })).json()) as Chat;
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text: HERS, locale: 'zh-CN', from: { id: 'u' } }),
  });
  expect(res.status).toBe(200);
  expect((await app.conversations.get(chat.conversationId))?.state).toBe('queued');
  return chat;
}

/** Everything Direct Line gives her about her chat, as raw text. */
async function whatSheSees(chat: Chat): Promise<string> {
  const auth = { authorization: `Bearer ${chat.token}` };
  const parts = await Promise.all([
    fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: auth }).then((r) => r.text()),
    fetch(`${base}/v3/directline/conversations/${chat.conversationId}`, { headers: auth }).then((r) => r.text()),
    fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth }).then((r) => r.text()),
    fetch(`${base}/v3/directline/tokens/refresh`, { method: 'POST', headers: auth }).then((r) => r.text()),
  ]);
  return parts.join('\n');
}

describe('notes', () => {
  it('an agent who does not hold the chat gets 403 for a note, and no note is kept', async () => {
    const chat = await chatNeedingAPerson();
    const a = await login(AGENT_A.name, AGENT_A.password);
    const b = await login(AGENT_B.name, AGENT_B.password);
    // Nobody holds it yet.
    expect((await call(b, 'POST', `/conversations/${chat.conversationId}/notes`, { text: 'NOT-HERS-1' })).status).toBe(403);
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/claim`)).status).toBe(200);
    // Someone else holds it.
    const refused = await call(b, 'POST', `/conversations/${chat.conversationId}/notes`, { text: 'NOT-HERS-2' });
    expect(refused.status).toBe(403);
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/notes`, { text: 'THE-HOLDERS-NOTE' })).status).toBe(201);
    const record = await app.conversations.get(chat.conversationId);
    expect(record?.notes.map((n) => n.text)).toEqual(['THE-HOLDERS-NOTE']);
    const supervisor = await login(SUPERVISOR.name, SUPERVISOR.password);
    const view = (await (await call(supervisor, 'GET', `/conversations/${chat.conversationId}`)).json()) as { notes: { text: string }[] };
    expect(view.notes.map((n) => n.text)).toEqual(['THE-HOLDERS-NOTE']);
  });
});

describe('the audit log and what she sees', () => {
  it('audits claim, reply, note, transfer, resolve and failed logins, without any text; she never sees a login name', async () => {
    const since = Date.now();
    const chat = await chatNeedingAPerson();
    const a = await login(AGENT_A.name, AGENT_A.password);
    const b = await login(AGENT_B.name, AGENT_B.password);
    const seen: string[] = [];

    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/claim`)).status).toBe(200);
    seen.push(await whatSheSees(chat));
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/typing`)).status).toBe(204);
    const withTyping = await whatSheSees(chat);
    expect(withTyping).toMatch(/"type":"typing"/);
    seen.push(withTyping);
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/messages`, { text: REPLY })).status).toBe(201);
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/notes`, { text: NOTE })).status).toBe(201);
    seen.push(await whatSheSees(chat));
    expect((await call(a, 'POST', `/conversations/${chat.conversationId}/transfer`, { to: AGENT_B.name })).status).toBe(200);
    expect((await call(b, 'POST', `/conversations/${chat.conversationId}/messages`, { text: `B ${REPLY}` })).status).toBe(201);
    seen.push(await whatSheSees(chat));
    const resolved = await call(b, 'POST', `/conversations/${chat.conversationId}/resolve`, {
      outcome: 'safe_callback_consented',
      referrals: [{ id: 'r-1', name: 'REFERRAL-MARKER 区法律援助中心', kind: 'legal_aid' }],
      callback: { contactWay: CALLBACK, contactTime: '周三上午 CALLBACK-TIME-MARKER', due: Date.now() + 86_400_000 },
    });
    expect(resolved.status).toBe(200);
    seen.push(await whatSheSees(chat));

    const wrong = (username: string) =>
      fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'PASSWORD-MARKER wrong' }) });
    expect((await wrong(AGENT_A.name)).status).toBe(401);
    expect((await wrong('nobody-by-this-name')).status).toBe(401);

    // Her side: staff appear by display name and an opaque id, never by login name.
    const everything = seen.join('\n');
    for (const name of LOGIN_NAMES) expect(everything).not.toContain(name);
    const activities = ((await (await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` } })).json()) as {
      activities: { text?: string; from: { id: string; name?: string } }[];
    }).activities;
    const staffMessages = activities.filter((x) => x.text?.includes('REPLY-MARKER'));
    expect(staffMessages).toHaveLength(2);
    expect(staffMessages.map((m) => m.from.name)).toEqual([AGENT_A.displayName, AGENT_B.displayName]);
    for (const m of staffMessages) {
      expect(m.from.id).toMatch(/^staff-[0-9a-f]{16}$/);
      expect(LOGIN_NAMES).not.toContain(m.from.id);
    }
    expect(staffMessages[0]!.from.id).not.toBe(staffMessages[1]!.from.id);
    // Notes never reach her.
    expect(everything).not.toContain('NOTE-MARKER');

    // The audit log, read by a supervisor.
    const supervisor = await login(SUPERVISOR.name, SUPERVISOR.password);
    const res = await call(supervisor, 'GET', '/audit');
    expect(res.status).toBe(200);
    const entries = ((await res.json()) as { entries: { at: number; actor: string; action: string; conversationId?: string; detail?: string }[] }).entries.filter((e) => e.at >= since);
    const onChat = (actor: string, action: string) => expect(entries).toContainEqual(expect.objectContaining({ actor, action, conversationId: chat.conversationId }));
    onChat(AGENT_A.name, 'claim');
    onChat(AGENT_A.name, 'reply');
    onChat(AGENT_A.name, 'note');
    onChat(AGENT_A.name, 'transfer');
    onChat(AGENT_B.name, 'reply');
    onChat(AGENT_B.name, 'resolve');
    expect(entries).toContainEqual(expect.objectContaining({ actor: AGENT_A.name, action: 'login_failed' }));
    expect(entries.filter((e) => e.action === 'login_failed')).toHaveLength(2);
    const auditText = JSON.stringify(entries);
    for (const marker of ['HER-MARKER', 'NOTE-MARKER', 'REPLY-MARKER', 'CALLBACK-MARKER', '13800138000', 'CALLBACK-TIME-MARKER', 'REFERRAL-MARKER', 'PASSWORD-MARKER', '幸福路', '离婚']) {
      expect([marker, auditText.includes(marker)]).toEqual([marker, false]);
    }
    // An agent may not read the audit log.
    expect((await call(a, 'GET', '/audit')).status).toBe(403);
  });
});
