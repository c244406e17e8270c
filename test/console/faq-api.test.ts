import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { smallIntentsDir } from '../support/intents.js';
import { addStaff, staffClient, type Staff } from '../support/staff.js';
import { openChat, say } from '../support/user.js';

let app: App;
let base: string;
let now = Date.parse('2026-11-25T04:00:00Z');
const { login, call } = staffClient(() => base);
let boss: Staff;
let chief: Staff;

beforeAll(async () => {
  app = await buildTestApp({}, { clock: () => now, intentsDir: smallIntentsDir() });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  await addStaff(app.store, 'li', 'zhao', 'boss', 'chief');
  boss = await login('boss');
  chief = await login('chief');
});
afterAll(async () => {
  await app.close();
});

interface Editable {
  intent: string;
  version: number;
  followUps: string[];
  zh: { title: string; text: string; cites: string[] };
  en: { title: string; text: string; cites: string[] };
  utterances: { zh: string[]; en: string[] };
  lastReviewed: string;
  reviewer: string;
  overdue: boolean;
  author: string;
}

async function read(staff: Staff, intent: string): Promise<Editable> {
  const res = await call(staff, 'GET', `/faq/${intent}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Editable;
}

function edit(e: Editable, change: (e: Editable) => void): Editable {
  const copy = structuredClone(e);
  change(copy);
  return copy;
}

const NEW_ZH = '法律援助可以免费请律师：拨打 12348，或去县区法律援助中心，带上身份证和报警回执。';

describe('the FAQ editor API', () => {
  it('is for admins only: 401 without a session, 403 for an agent or a supervisor, 403 without the CSRF token', async () => {
    expect((await call(undefined, 'GET', '/faq')).status).toBe(401);
    const li = await login('li');
    const zhao = await login('zhao');
    for (const staff of [li, zhao]) {
      expect((await call(staff, 'GET', '/faq')).status).toBe(403);
      expect((await call(staff, 'GET', '/faq/legal_aid')).status).toBe(403);
      expect((await call(staff, 'PUT', '/faq/legal_aid', { version: 0 })).status).toBe(403);
    }
    const current = await read(boss, 'legal_aid');
    expect((await call(boss, 'PUT', '/faq/legal_aid', current, false)).status).toBe(403);
    expect((await read(boss, 'legal_aid')).version).toBe(current.version);
  });

  it('lists every topic with both titles, its review date, reviewer and version', async () => {
    const res = await call(boss, 'GET', '/faq');
    const body = (await res.json()) as { reviewMonths: number; items: { intent: string; zh: { title: string }; en: { title: string }; lastReviewed: string; reviewer: string; overdue: boolean; version: number }[] };
    expect(body.reviewMonths).toBe(6);
    expect(body.items).toHaveLength(35);
    const legal = body.items.find((i) => i.intent === 'legal_aid')!;
    expect(legal).toMatchObject({ zh: { title: '法律援助' }, en: { title: 'Legal aid' }, reviewer: expect.any(String), version: 0, overdue: false });
  });

  it('refuses a bad edit with the field at fault, and stores nothing', async () => {
    const current = await read(boss, 'legal_aid');
    const cases: [Editable, RegExp, string][] = [
      [edit(current, (e) => (e.zh.title = '这是一个远远超过十二个字的按钮标题')), /at most 12/, 'zh.title'],
      [edit(current, (e) => (e.en.text = '  ')), /required/, 'en.text'],
      [edit(current, (e) => (e.followUps = ['legal_aid'])), /cannot offer/, 'followUps.0'],
      [edit(current, (e) => (e.followUps = ['no.such.topic'])), /unknown topic/, 'followUps.0'],
      [edit(current, (e) => (e.utterances.zh = e.utterances.zh.slice(0, 3))), /at least 10/, 'utterances.zh'],
      [edit(current, (e) => e.utterances.en.push(e.utterances.en[0]!.toUpperCase())), /the same as line 1/, `utterances.en.${current.utterances.en.length}`],
      [edit(current, (e) => e.utterances.zh.push('什么是家暴')), /already trains dv.definition/, `utterances.zh.${current.utterances.zh.length}`],
      [edit(current, (e) => (e.zh.title = '庇护所')), /already the title of shelter/, 'zh.title'],
    ];
    for (const [body, message, field] of cases) {
      const res = await call(boss, 'PUT', '/faq/legal_aid', body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: string; field: string };
      expect(answer.field).toBe(field);
      expect(answer.error).toMatch(message);
    }
    const { version: _v, ...noVersion } = current;
    expect(((await (await call(boss, 'PUT', '/faq/legal_aid', noVersion)).json()) as { field: string }).field).toBe('version');
    expect((await call(boss, 'GET', '/faq/no.such.topic')).status).toBe(404);
    expect((await read(boss, 'legal_aid')).version).toBe(0);
  });

  it('previews the answer as she will see it, without saving', async () => {
    const current = await read(boss, 'legal_aid');
    const res = await call(boss, 'POST', '/faq/legal_aid/preview', edit(current, (e) => (e.zh.text = NEW_ZH)));
    expect(res.status).toBe(200);
    const preview = (await res.json()) as { zh: { text: string; buttons: { title: string }[] }; en: { text: string } };
    expect(preview.zh.text).toContain(NEW_ZH);
    expect(preview.zh.text).toContain('一般性信息');
    expect(preview.zh.buttons.map((b) => b.title)).toHaveLength(current.followUps.length);
    expect((await read(boss, 'legal_aid')).version).toBe(0);
  });

  it('saves a new version that the bot answers with at once, with who, when and what changed', async () => {
    const chat = await openChat(base);
    expect((await say(base, chat, '怎么申请法律援助')).join('\n')).not.toContain(NEW_ZH);

    const current = await read(boss, 'legal_aid');
    const res = await call(boss, 'PUT', '/faq/legal_aid', { ...edit(current, (e) => (e.zh.text = NEW_ZH)), note: '新的地址' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Editable).version).toBe(1);

    expect((await say(base, chat, '怎么申请法律援助')).join('\n')).toContain(NEW_ZH);

    const versions = (await (await call(boss, 'GET', '/faq/legal_aid/versions')).json()) as { items: { version: number; author: string; at: number | null; note: string | null }[] };
    expect(versions.items.map((v) => v.version)).toEqual([1, 0]);
    expect(versions.items[0]).toMatchObject({ author: 'boss', at: now, note: '新的地址' });

    const diff = (await (await call(boss, 'GET', '/faq/legal_aid/diff?from=0&to=1')).json()) as { changes: { field: string; parts?: { value: string; added?: boolean; removed?: boolean }[] }[] };
    expect(diff.changes.map((c) => c.field)).toEqual(['zh.text']);
    const added = diff.changes[0]!.parts!.filter((p) => p.added).map((p) => p.value).join('');
    expect(added).toContain('身份证和报警回执');
    expect((await call(boss, 'GET', '/faq/legal_aid/diff?from=0')).status).toBe(400);
    expect((await call(boss, 'GET', '/faq/legal_aid/diff?from=0&to=9')).status).toBe(404);
  });

  it('gives the second of two admins editing the same answer a conflict with the other change, never a silent overwrite', async () => {
    const mine = await read(boss, 'legal_aid');
    const theirs = await read(chief, 'legal_aid');
    const first = await call(chief, 'PUT', '/faq/legal_aid', edit(theirs, (e) => (e.en.text = `${e.en.text}\nLegal aid offices are open on Saturdays.`)));
    expect(first.status).toBe(200);
    const second = await call(boss, 'PUT', '/faq/legal_aid', edit(mine, (e) => (e.en.title = 'Free lawyers')));
    expect(second.status).toBe(409);
    const conflict = (await second.json()) as { error: string; current: Editable; changes: { field: string }[] };
    expect(conflict.current.version).toBe(mine.version + 1);
    expect(conflict.current.author).toBe('chief');
    expect(conflict.changes.map((c) => c.field)).toEqual(['en.text']);
    const stored = await read(boss, 'legal_aid');
    expect(stored.en.title).toBe('Legal aid');
    expect(stored.en.text).toContain('open on Saturdays');
  });

  it('rolls back to any version as a new version, and marks an answer reviewed', async () => {
    const head = await read(boss, 'legal_aid');
    const rolled = await call(boss, 'POST', '/faq/legal_aid/rollback', { version: head.version, to: 0 });
    expect(rolled.status).toBe(200);
    const back = (await rolled.json()) as Editable;
    expect(back.version).toBe(head.version + 1);
    expect(back.zh.text).not.toContain(NEW_ZH);
    const chat = await openChat(base);
    expect((await say(base, chat, '怎么申请法律援助')).join('\n')).not.toContain(NEW_ZH);
    expect((await call(boss, 'POST', '/faq/legal_aid/rollback', { version: head.version, to: 1 })).status).toBe(409);

    now = Date.parse('2027-09-01T02:00:00Z');
    const later = await login('boss');
    const list = (await (await call(later, 'GET', '/faq')).json()) as { items: { intent: string; overdue: boolean }[] };
    expect(list.items.every((i) => i.overdue)).toBe(true);
    const reviewed = await call(later, 'POST', '/faq/legal_aid/reviewed', { version: back.version });
    expect(reviewed.status).toBe(200);
    expect((await reviewed.json()) as Editable).toMatchObject({ lastReviewed: '2027-09-01', reviewer: '周律师', overdue: false });
    const chat2 = await openChat(base);
    expect((await say(base, chat2, '怎么申请法律援助')).join('\n')).toContain('2027-09-01');
  });

  it('teaches the bot a new training sentence after publishing', async () => {
    const phrase = '蓝色小屋的门开着吗';
    expect((await app.model.classify(phrase, 'zh')).intent).not.toBe('shelter');
    const admin = await login('boss');
    const current = await read(admin, 'shelter');
    const changed = once(app.catalog, 'change');
    expect((await call(admin, 'PUT', '/faq/shelter', edit(current, (e) => e.utterances.zh.push(phrase, '蓝色小屋还能住人吗', '去蓝色小屋怎么走')))).status).toBe(200);
    await changed;
    await app.model.idle();
    expect((await app.model.classify(phrase, 'zh')).intent).toBe('shelter');
  });
});
