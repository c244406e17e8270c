import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Report } from '../../src/handoff/report.js';
import { buildTestApp } from '../support/app.js';
import { addStaff, staffClient, type Staff } from '../support/staff.js';
import { openChat, say } from '../support/user.js';

let app: App;
let base: string;
let now = Date.parse('2026-11-25T02:00:00Z'); // 10:00 in Beijing
const MIN = 60_000;
const { login, call } = staffClient(() => base);
let zhao: Staff;

beforeAll(async () => {
  app = await buildTestApp({}, { clock: () => now, staffAvailable: async () => true });
  base = `http://127.0.0.1:${(await app.listen()).port}`;
  await addStaff(app.store, 'li', 'zhao');
  zhao = await login('zhao');
});
afterAll(async () => {
  await app.close();
});

/** What the dashboard endpoint answers: the report and the period it covers. */
type Dashboard = Report & { fromDate: string; toDate: string };

describe('the supervisors dashboard', () => {
  it('reports the period: chats by highest risk and topic, handoffs, waiting times, outcomes, and the queue now', async () => {
    const li = await login('li');
    await say(base, await openChat(base), '法律援助怎么申请');
    const threatened = await openChat(base);
    await say(base, threatened, '他说如果我离婚就杀了我');
    const asking = await openChat(base);
    await say(base, asking, '转人工');
    now += 4 * MIN;
    expect((await call(li, 'POST', `/conversations/${threatened.conversationId}/claim`)).status).toBe(200);
    expect((await call(li, 'POST', `/conversations/${threatened.conversationId}/resolve`, { outcome: 'referred_police' })).status).toBe(200);
    now += 6 * MIN;
    expect((await call(li, 'POST', `/conversations/${asking.conversationId}/claim`)).status).toBe(200);
    await say(base, await openChat(base), '他现在拿着刀在门口');
    now += 2 * MIN;

    const res = await call(zhao, 'GET', '/dashboard');
    expect(res.status).toBe(200);
    const report = (await res.json()) as Dashboard;
    expect(report).toMatchObject({
      fromDate: '2026-11-19',
      toDate: '2026-11-25',
      chats: 4,
      started: 4,
      byRisk: { none: 2, elevated: 0, high: 1, imminent: 1 },
      handoffs: 3,
      waits: { claimed: 2, p50Ms: 4 * MIN, p90Ms: 10 * MIN },
      outcomes: { referred_police: 1 },
      queue: { length: 1, byRisk: { imminent: 1 }, longestWaitMs: 2 * MIN },
    });
    expect(report.byTopic.legal_aid).toBe(1);

    const tomorrow = (await (await call(zhao, 'GET', '/dashboard?from=2026-11-26&to=2026-11-26')).json()) as Dashboard;
    expect(tomorrow).toMatchObject({ chats: 0, handoffs: 0, waits: { claimed: 0, p50Ms: null }, queue: { length: 1 } });
  });

  it('refuses a bad period with a clear message, and agents', async () => {
    const backwards = await call(zhao, 'GET', '/dashboard?from=2026-11-25&to=2026-11-01');
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: string }).error).toBe('from: must not be after to');
    const garbage = await call(zhao, 'GET', '/dashboard?from=yesterday');
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: string }).error).toMatch(/from: must be a date/);
    const li = await login('li');
    expect((await call(li, 'GET', '/dashboard')).status).toBe(403);
  });
});
