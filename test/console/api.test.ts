import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addUser } from '../../src/console/accounts.js';
import { buildTestApp } from '../support/app.js';
import { addStaff, passwordOf, staffClient } from '../support/staff.js';

let app: App;
let base: string;
/** The waits a slowed-down login asked for. */
const delays: number[] = [];

beforeAll(async () => {
  app = await buildTestApp({}, { sleep: async (ms) => void delays.push(ms) });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  await addStaff(app.store, 'li', 'wang', 'zhao', 'sun', 'boss');
});
afterAll(async () => {
  await app.close();
});

const { login, call } = staffClient(() => base);

async function chatNeedingAPerson(): Promise<string> {
  const s = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string };
  await fetch(`${base}/v3/directline/conversations/${s.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text: '他说如果我离婚就杀了我', from: { id: 'u' } }),
  });
  return s.conversationId;
}

describe('the staff console API', () => {
  it('refuses every route without a session (401), and every write without the CSRF token (403)', async () => {
    const routes: [string, string][] = [
      ['GET', '/queue'], ['GET', '/conversations'], ['GET', '/conversations/held'], ['GET', '/conversations/x'], ['POST', '/conversations/x/claim'],
      ['POST', '/conversations/x/typing'], ['GET', '/session'], ['GET', '/topics'],
      ['POST', '/users/li/disable'], ['POST', '/users/li/enable'], ['PUT', '/users/li/role'], ['POST', '/users/li/reset'],
      ['POST', '/conversations/x/messages'], ['POST', '/conversations/x/notes'], ['POST', '/conversations/x/release'],
      ['POST', '/conversations/x/resolve'], ['POST', '/conversations/x/transfer'], ['GET', '/events'], ['GET', '/canned'],
      ['GET', '/users'], ['POST', '/users'], ['GET', '/audit'], ['GET', '/dashboard'], ['DELETE', '/session'],
      ['GET', '/faq'], ['GET', '/faq/legal_aid'], ['PUT', '/faq/legal_aid'], ['POST', '/faq/legal_aid/preview'],
      ['GET', '/faq/legal_aid/versions'], ['GET', '/faq/legal_aid/diff'], ['POST', '/faq/legal_aid/rollback'], ['POST', '/faq/legal_aid/reviewed'],
    ];
    const boss = await login('boss');
    for (const [method, path] of routes) {
      expect([method, path, (await call(undefined, method, path, method === 'GET' ? undefined : {})).status]).toEqual([method, path, 401]);
      if (method !== 'GET') expect([method, path, (await call(boss, method, path, {}, false)).status]).toEqual([method, path, 403]);
    }
  });

  it('lists the chats a person holds: an agent her own, a supervisor every one', async () => {
    const li = await login('li');
    const wang = await login('wang');
    const zhao = await login('zhao');
    const id = await chatNeedingAPerson();
    expect((await call(li, 'POST', `/conversations/${id}/claim`)).status).toBe(200);
    const held = async (staff: typeof li) => ((await (await call(staff, 'GET', '/conversations/held')).json()) as { items: { id: string; assignee: string }[] }).items.map((i) => i.id);
    expect(await held(li)).toContain(id);
    expect(await held(wang)).not.toContain(id);
    expect(await held(zhao)).toContain(id);
    expect((await call(li, 'POST', `/conversations/${id}/resolve`, { outcome: 'safe_callback_consented', callback: { contactTime: '周三上午她打来', due: Date.now() + 86_400_000 } })).status).toBe(200);
    expect(await held(zhao)).not.toContain(id);
    // The safe time is free text: it stays in her record, never in the statistics.
    const stats = await app.store.listStats(0, Date.now() + 1000);
    expect(JSON.stringify(stats)).not.toContain('周三');
    expect((await app.conversations.get(id))?.callback?.contactTime).toBe('周三上午她打来');
  });

  it('refuses every call without a session (401) and a wrong password', async () => {
    expect((await call(undefined, 'GET', '/queue')).status).toBe(401);
    expect((await call(undefined, 'GET', '/conversations/x')).status).toBe(401);
    expect((await call(undefined, 'POST', '/conversations/x/claim')).status).toBe(401);
    const wrong = await fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'li', password: 'not the password' }) });
    expect(wrong.status).toBe(401);
  });

  it('answers a bad body with 400 and a clear message', async () => {
    const res = await fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": 1}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/username/);
  });

  it('runs the whole flow: queue, claim (409 for the second), transcript with audit, reply, notes, transfer, resolve', async () => {
    const li = await login('li');
    const wang = await login('wang');
    const zhao = await login('zhao');
    const id = await chatNeedingAPerson();

    const queue = (await (await call(li, 'GET', '/queue')).json()) as { items: { id: string; risk: string; signals: string[]; position: number }[] };
    const item = queue.items.find((i) => i.id === id)!;
    expect(item).toMatchObject({ risk: 'high', position: expect.any(Number) });
    expect(item.signals).toContain('threat_to_kill');

    expect((await call(li, 'POST', `/conversations/${id}/claim`, undefined, false)).status).toBe(403);
    expect((await call(li, 'POST', `/conversations/${id}/claim`)).status).toBe(200);
    const second = await call(wang, 'POST', `/conversations/${id}/claim`);
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toMatch(/someone else/);

    expect((await call(wang, 'GET', `/conversations/${id}`)).status).toBe(403);
    const transcript = (await (await call(li, 'GET', `/conversations/${id}`)).json()) as { state: string; messages: { from: string; text: string }[] };
    expect(transcript.state).toBe('agent');
    expect(transcript.messages.some((m) => m.from === 'user' && m.text.includes('离婚'))).toBe(true);
    expect(transcript.messages.some((m) => m.from === 'bot')).toBe(true);

    expect((await call(li, 'POST', `/conversations/${id}/messages`, { text: '' })).status).toBe(400);
    expect((await call(li, 'POST', `/conversations/${id}/messages`, { text: '我在，你现在安全吗？' })).status).toBe(201);
    expect((await call(wang, 'POST', `/conversations/${id}/messages`, { text: 'hi' })).status).toBe(403);
    expect((await call(li, 'POST', `/conversations/${id}/notes`, { text: '她提到离婚威胁，建议申请保护令' })).status).toBe(201);
    const log = await app.store.readMessages(id);
    expect(log.some((e) => e.text === '我在，你现在安全吗？')).toBe(true);
    expect(log.some((e) => e.text?.includes('建议申请保护令'))).toBe(false);

    expect((await call(li, 'POST', `/conversations/${id}/transfer`, { to: 'nobody' })).status).toBe(400);
    expect((await call(li, 'POST', `/conversations/${id}/transfer`, { to: 'wang' })).status).toBe(200);
    expect((await call(wang, 'POST', `/conversations/${id}/resolve`, { outcome: 'lunch' })).status).toBe(400);
    expect((await call(wang, 'POST', `/conversations/${id}/resolve`, { outcome: 'referred_court' })).status).toBe(200);

    expect((await call(li, 'GET', '/audit')).status).toBe(403);
    const audit = (await (await call(zhao, 'GET', '/audit')).json()) as { entries: { actor: string; action: string; conversationId?: string }[] };
    expect(audit.entries).toContainEqual(expect.objectContaining({ actor: 'li', action: 'open_transcript', conversationId: id }));
  });

  it('logs out', async () => {
    const li = await login('li');
    expect((await call(li, 'DELETE', '/session')).status).toBe(204);
    expect((await call(li, 'GET', '/queue')).status).toBe(401);
  });

  it('slows repeated wrong passwords down more and more, without locking the real user out, and audits them', async () => {
    delays.length = 0;
    const attempt = (password: string) => fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sun', password }) });
    for (let i = 0; i < 7; i++) expect((await attempt(`guess ${i}`)).status).toBe(401);
    // The first few cost nothing; then each waits twice as long as the one before.
    expect(delays).toEqual([500, 1000, 2000]);
    expect((await attempt(passwordOf('sun'))).status).toBe(200);
    const zhao = await login('zhao');
    const audit = (await (await call(zhao, 'GET', '/audit')).json()) as { entries: { actor: string; action: string }[] };
    expect(audit.entries.filter((e) => e.actor === 'sun' && e.action === 'login_failed')).toHaveLength(7);
  });

  it('serves the console page under a CSP that allows no inline script, and has none', async () => {
    const res = await fetch(`${base}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    const page = await res.text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/\son[a-z]+=/);
  });
});

describe('supervisors and admins', () => {
  it('lets a supervisor reassign a chat someone else holds', async () => {
    const li = await login('li');
    const sun = await login('sun');
    const id = await chatNeedingAPerson();
    expect((await call(li, 'POST', `/conversations/${id}/claim`)).status).toBe(200);
    const wang = await login('wang');
    expect((await call(wang, 'POST', `/conversations/${id}/transfer`, { to: 'wang' })).status).toBe(403);
    expect((await call(sun, 'POST', `/conversations/${id}/transfer`, { to: 'wang' })).status).toBe(200);
    expect((await app.conversations.get(id))?.assignee).toBe('wang');
  });

  it('offers the FAQ answers as canned replies', async () => {
    const li = await login('li');
    const { items } = (await (await call(li, 'GET', '/canned')).json()) as { items: { topic: string; zh: { text: string } }[] };
    expect(items.find((i) => i.topic === 'legal_aid')?.zh.text).toMatch(/12348/);
  });

  it('lets only an admin add staff, refusing a weak password with a clear message', async () => {
    const sun = await login('sun');
    expect((await call(sun, 'POST', '/users', { name: 'chen', role: 'agent', password: 'a long enough password' })).status).toBe(403);
    const boss = await login('boss');
    const weak = await call(boss, 'POST', '/users', { name: 'chen', role: 'agent', password: 'short' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: string }).error).toMatch(/12/);
    expect((await call(boss, 'POST', '/users', { name: 'chen', role: 'agent', password: 'a long enough password', displayName: '陈老师' })).status).toBe(201);
    await login('chen', 'a long enough password');
  });
});

describe('accounts', () => {
  it('refuses a short password and a duplicate name', async () => {
    await expect(addUser(app.store, { name: 'chen', role: 'agent', password: 'short' })).rejects.toThrow(/at least 12/);
    await expect(addUser(app.store, { name: 'li', role: 'agent', password: 'long enough password' })).rejects.toThrow(/exists/);
    expect((await app.store.getUser('li'))?.passwordHash).toMatch(/^scrypt\$/);
  });
});

describe('console events', () => {
  it('streams queue changes live and resumes after Last-Event-ID', async () => {
    const staff = await login('wang');
    const controller = new AbortController();
    const res = await fetch(`${base}/console/api/events`, { headers: { cookie: staff.cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const id = await chatNeedingAPerson();
    while (!seen.includes(id) || !/id: (\d+)/.test(seen)) seen += decoder.decode((await reader.read()).value);
    controller.abort();
    const firstId = Number(/id: (\d+)/.exec(seen)![1]);

    const again = await fetch(`${base}/console/api/events`, { headers: { cookie: staff.cookie, 'last-event-id': String(firstId - 1) } });
    const r2 = again.body!.getReader();
    let replay = '';
    while (!replay.includes(`id: ${firstId}\n`)) replay += decoder.decode((await r2.read()).value);
    expect(replay).toContain(id);
    await r2.cancel();
  });
});
