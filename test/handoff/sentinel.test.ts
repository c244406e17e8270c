/**
 * A Sentinel failover in the middle of a chat with a person. Two instances on a master with one replica and
 * three Sentinels (REDIS_SENTINELS, REDIS_WAIT_REPLICAS=1); she writes on instance A, the agent holds the chat on
 * instance B. The master is killed (SIGKILL). While there is no master every message she sends is refused at
 * once with the emergency text, never left hanging; once the Sentinels have promoted the replica the service
 * answers again by itself, nothing that was acknowledged is lost, and the agent's reply still reaches her.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp } from '../support/app.js';
import { sentinelAvailable, startSentinels, type SentinelSetup } from '../support/sentinel.js';
import { openChat, say, type UserChat } from '../support/user.js';

const available = sentinelAvailable();
const li = { name: 'li', displayName: '李老师', publicId: 'staff-li' };
const DANGER = '他现在拿着刀在门口，说要杀了我';

interface Sent {
  client: string;
  text: string;
  dangerous: boolean;
  status: number;
  ms: number;
  body: { emergency?: { text?: string; numbers?: string[] } };
  /** Sent after the master was killed. */
  afterKill: boolean;
}

async function post(base: string, chat: UserChat, client: string, text: string): Promise<{ status: number; ms: number; body: Sent['body'] }> {
  const started = Date.now();
  // Never hang: a POST that has not answered in 10 s fails the test (the contract is 2 s for a refusal).
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'u' }, channelData: { clientActivityID: client } }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as Sent['body'];
  return { status: res.status, ms: Date.now() - started, body };
}

interface Shown {
  type: string;
  text?: string;
  from: { id: string; name?: string; role?: string };
  channelData?: { clientActivityID?: string };
}

async function transcript(base: string, chat: UserChat): Promise<Shown[]> {
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}` }, signal: AbortSignal.timeout(10_000) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { activities: Shown[] }).activities;
}

describe.skipIf(!available)('a Sentinel failover mid-chat', () => {
  let setup: SentinelSetup;
  let a: App;
  let b: App;
  let baseA: string;
  let baseB: string;

  beforeAll(async () => {
    setup = await startSentinels();
    const env = {
      REDIS_SENTINELS: setup.sentinels.join(','),
      REDIS_SENTINEL_NAME: setup.name,
      REDIS_WAIT_REPLICAS: '1',
      TOKEN_SECRET: 'x'.repeat(40),
    };
    [a, b] = await Promise.all([buildTestApp(env, { staffAvailable: async () => true }), buildTestApp(env, { staffAvailable: async () => true })]);
    baseA = `http://127.0.0.1:${(await a.listen()).port}`;
    baseB = `http://127.0.0.1:${(await b.listen()).port}`;
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    await setup?.stop();
  });

  it('refuses with the emergency text while there is no master, then carries on with nothing acknowledged lost', async () => {
    const chat = await openChat(baseA);
    await say(baseA, chat, '转人工');
    expect((await b.handoff.queue()).map((q) => q.conversationId)).toContain(chat.conversationId);
    await b.handoff.claim(chat.conversationId, li);
    await b.handoff.agentMessage(chat.conversationId, li, '我在，请慢慢说。', 'agent-before');

    const sent: Sent[] = [];
    let killed = false;
    let i = 0;
    const send = async (): Promise<Sent> => {
      i++;
      const dangerous = i % 2 === 0;
      const text = dangerous ? `${DANGER}（${i}）` : `我还在这里，第${i}条`;
      const r = await post(baseA, chat, `client-${i}`, text);
      const s: Sent = { client: `client-${i}`, text, dangerous, afterKill: killed, ...r };
      sent.push(s);
      return s;
    };

    for (let k = 0; k < 4; k++) expect((await send()).status).toBe(200);

    const oldMaster = setup.master.address;
    expect(await setup.currentMaster()).toBe(oldMaster);
    // Killed while one of her messages is on its way: it may be acknowledged (it was replicated first) or refused.
    const inFlight = send();
    await new Promise((r) => setTimeout(r, 5));
    const killedAt = Date.now();
    await setup.master.kill();
    killed = true;
    await inFlight;

    // Keep writing, as she would, until the service answers again on the new master.
    let recoveredAt = 0;
    while (!recoveredAt) {
      if (Date.now() - killedAt > 30_000) throw new Error(`no answer 30 s after the master was killed\n${setup.logs()}`);
      const s = await send();
      if (s.status === 200) recoveredAt = Date.now();
      else await new Promise((r) => setTimeout(r, 250));
    }
    const newMaster = await setup.currentMaster();
    expect(newMaster).toBe(setup.replica.address);
    for (let k = 0; k < 3; k++) expect((await send()).status).toBe(200);
    const slowest = Math.max(...sent.filter((s) => s.afterKill && s.status === 200).map((s) => s.ms));
    process.stdout.write(
      `sentinel failover: answered again ${recoveredAt - killedAt} ms after the master was killed; ${sent.filter((s) => s.status !== 200).length} refusals, ` +
        `the slowest ${Math.max(...sent.filter((s) => s.status !== 200).map((s) => s.ms))} ms; acknowledged POSTs on the new master (no replica left to WAIT for) up to ${slowest} ms\n`,
    );

    const refused = sent.filter((s) => s.status !== 200);
    // The failover was really seen: messages were refused while there was no master.
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) {
      expect(s.afterKill || s.client === 'client-5').toBe(true);
      expect(s.status, JSON.stringify(s)).toBe(503);
      expect(s.ms, `refusal of ${s.client} took ${s.ms} ms`).toBeLessThan(2000);
      expect(s.body.emergency?.numbers).toEqual(expect.arrayContaining(['110', '120']));
      if (s.dangerous) expect(s.body.emergency?.text).toMatch(/110/);
    }

    // Every acknowledged message is in the transcript, on either instance, and none twice.
    for (const base of [baseA, baseB]) {
      const shown = await transcript(base, chat);
      const mine = shown.filter((x) => x.type === 'message' && x.channelData?.clientActivityID);
      const clients = mine.map((x) => x.channelData!.clientActivityID!);
      expect(new Set(clients).size).toBe(clients.length);
      for (const s of sent.filter((x) => x.status === 200)) {
        expect(mine.find((x) => x.channelData?.clientActivityID === s.client)?.text, `${s.client} was acknowledged`).toBe(s.text);
      }
      expect(shown.some((x) => x.text === '我在，请慢慢说。')).toBe(true);
    }
    const fromB = (await b.handoff.messages(chat.conversationId)).filter((e) => e.from === 'user').map((e) => e.text);
    for (const s of sent.filter((x) => x.status === 200)) expect(fromB).toContain(s.text);

    // The chat is still hers and the agent's: instance B (whose connection recovers on its own) can reply.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await b.handoff.agentMessage(chat.conversationId, li, '我还在，你现在安全吗？能离开那里吗？', 'agent-after');
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(await b.handoff.get(chat.conversationId)).toMatchObject({ state: 'agent', assignee: 'li' });
    const shown = await transcript(baseA, chat);
    const reply = shown.filter((x) => x.text === '我还在，你现在安全吗？能离开那里吗？');
    expect(reply).toHaveLength(1);
    expect(reply[0]!.from.name).toBe('李老师');
  }, 60_000);
});
