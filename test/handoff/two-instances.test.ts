/**
 * Two instances on one Redis, as behind a load balancer:
 * - their queue timers (Handoff.tick, one lease per period) together tell a waiting woman each place in the
 *   queue exactly once, and the timeout once, however their ticks fall: at the same moment, overlapping across
 *   two periods, one after the other;
 * - a console on instance A that loses A resumes on instance B with Last-Event-ID and gets every event
 *   appended meanwhile, nothing missed and nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICK_MS } from '../../src/handoff/service.js';
import type { HotlineEvent } from '../../src/handoff/events.js';
import { buildTestApp } from '../support/app.js';
import { followEvents } from '../support/events.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';
import { addStaff, staffClient } from '../support/staff.js';
import { openChat, type UserChat } from '../support/user.js';

const available = redisAvailable();
const SECRET = 'a-shared-secret-for-every-instance-0123456789';
const li = { name: 'li', displayName: '李老师', publicId: 'staff-li' };

describe.skipIf(!available)('two instances on one Redis', () => {
  let server: RedisServer;
  let now = 1_800_000_000_000;
  const clock = () => now;
  let a: App;
  let b: App;
  let aClosed = false;
  beforeAll(async () => {
    server = await startRedis();
    const env = { REDIS_URL: server.url, TOKEN_SECRET: SECRET, QUEUE_TIMEOUT_MINUTES: '3' };
    // One fake clock for both instances. Not listening yet: the timer tests call the timers themselves.
    [a, b] = await Promise.all([buildTestApp(env, { clock, staffAvailable: async () => true }), buildTestApp(env, { clock, staffAvailable: async () => true })]);
  });
  afterAll(async () => {
    await Promise.allSettled([aClosed ? undefined : a?.close(), b?.close()]);
    await server?.stop();
  });

  describe('queue timers', () => {
    let n = 0;
    async function say(app: App, conversationId: string, text: string): Promise<void> {
      await app.logAdapter.receive(app.bot, conversationId, { id: `m${++n}`, activity: { type: 'message', text, from: { id: 'u', role: 'user' } } });
    }

    /** What she was told by the timers, in order: `position n` and `timeout`. */
    async function told(conversationId: string): Promise<string[]> {
      return (await a.store.readMessages(conversationId))
        .filter((e) => e.from === 'bot' && /^(position|timeout):/.test(e.id))
        .map((e) => (e.id.startsWith('timeout:') ? 'timeout' : `position ${/第 (\d+) 位/.exec(e.text ?? '')?.[1]}`));
    }

    it('tells each waiting woman each place exactly once, however the two timers overlap', async () => {
      const women = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((w) => `tick-${w}`);
      for (const [i, id] of women.entries()) {
        await say(i % 2 ? b : a, id, '转人工');
        now += 1000;
      }
      expect((await a.handoff.queue()).map((q) => q.conversationId)).toEqual(women);
      const events = await followEvents(a.store);

      /** Her place at each moment a timer ran, to compare with what she was told. */
      const claimed: string[] = [];
      let ticks = 0;
      for (let round = 0; round < 40; round++) {
        now += 7000;
        switch (round % 3) {
          case 0:
            // Both instances at the same moment, twice over.
            await Promise.all([a.handoff.tick(), b.handoff.tick(), a.handoff.tick(), b.handoff.tick()]);
            break;
          case 1: {
            // A's tick of one period still running when B's of the next starts: both hold a lease.
            const first = a.handoff.tick();
            now += TICK_MS;
            await Promise.all([first, b.handoff.tick(), a.handoff.tick()]);
            break;
          }
          default:
            await a.handoff.tick();
            await b.handoff.tick();
        }
        ticks++;
        // Now and then an agent takes the first in line, on either instance: everyone behind moves up.
        if (round % 8 === 7 && claimed.length < 3) {
          const head = (await a.handoff.queue())[0]!.conversationId;
          await (claimed.length % 2 ? a : b).handoff.claim(head, li);
          claimed.push(head);
        }
      }
      expect(ticks).toBe(40);
      expect(claimed).toEqual(women.slice(0, 3));

      const queue = (await a.handoff.queue()).map((q) => q.conversationId);
      expect(queue).toEqual(women.slice(3));
      for (const [i, id] of women.entries()) {
        const heard = await told(id);
        const positions = heard.filter((t) => t.startsWith('position')).map((t) => Number(t.split(' ')[1]));
        // Each place once, in the order she moved up; never the same place twice.
        expect(new Set(positions).size, `${id} heard ${heard.join(', ')}`).toBe(positions.length);
        expect([...positions].sort((x, y) => y - x), `${id} heard ${heard.join(', ')}`).toEqual(positions);
        expect(positions[0], `${id} heard ${heard.join(', ')}`).toBe(i + 1);
        // Whoever still waits has heard where she is now (her place has been the same for well over 30 s).
        if (queue.includes(id)) expect(positions.at(-1), `${id} heard ${heard.join(', ')}`).toBe(queue.indexOf(id) + 1);
        // The timeout (3 minutes) once, for each who waited that long, and a supervisor alert with it, once.
        const waited = queue.includes(id) || claimed.indexOf(id) === 2;
        expect(heard.filter((t) => t === 'timeout'), `${id} heard ${heard.join(', ')}`).toHaveLength(waited ? 1 : 0);
        const alerts = events.seen.filter((e: HotlineEvent) => e.type === 'supervisor.alert' && e.conversationId === id);
        expect(alerts).toHaveLength(waited ? 1 : 0);
        // Nothing from the timers after a person took her chat.
        if (claimed.includes(id)) {
          const log = await a.store.readMessages(id);
          const joined = log.findIndex((e) => e.id.startsWith('joined:'));
          expect(joined).toBeGreaterThan(0);
          expect(log.slice(joined).filter((e) => /^(position|timeout):/.test(e.id))).toEqual([]);
        }
      }
      await events.stop();
    }, 60_000);

    // KNOWN BUG (src/handoff/service.ts, tick): the message id is `position:<id>:<waitingSince>:<place>`, so a place
    // she was told once is never said again in the same wait. Pushed back from 2 to 3 by a newer imminent chat and
    // then moved up to 2 again, she is not told (the store drops the repeated id as a duplicate) while the record
    // notes that she was: her last word stays "number 3". This test states what she should hear; it is expected to
    // fail until the id also names the previous telling (e.g. `toldPosition.at`); then make it a plain `it`.
    it('tells her again when she is pushed back and then moves up to a place she was told before', async () => {
      const tell = async () => {
        now += 31_000;
        await Promise.all([a.handoff.tick(), b.handoff.tick()]);
      };
      const place = async (id: string) => (await a.handoff.queue()).findIndex((q) => q.conversationId === id) + 1;
      await say(a, 'back-1', '转人工');
      now += 1000;
      await say(b, 'back-2', '转人工');
      await tell();
      const first = await place('back-2');
      expect((await told('back-2')).at(-1)).toBe(`position ${first}`);
      // A chat in danger now comes in ahead of her.
      await say(a, 'back-now', '他现在拿着刀在门口');
      await tell();
      expect(await place('back-2')).toBe(first + 1);
      expect((await told('back-2')).filter((t) => t.startsWith('position')).at(-1)).toBe(`position ${first + 1}`);
      // It is taken; she is back where she was.
      await b.handoff.claim('back-now', li);
      await tell();
      expect(await place('back-2')).toBe(first);
      expect((await told('back-2')).filter((t) => t.startsWith('position')).at(-1)).toBe(`position ${first}`);
    });
  });

  describe('console events', () => {
    let baseA: string;
    let baseB: string;
    beforeAll(async () => {
      baseA = `http://127.0.0.1:${(await a.listen()).port}`;
      baseB = `http://127.0.0.1:${(await b.listen()).port}`;
      await addStaff(a.store, 'li');
    });

    interface Received {
      id: string;
      type: string;
      data: unknown;
    }

    /** A console's event stream, read in the background; frames parsed as EventSource does. */
    async function connect(base: string, cookie: string, lastEventId?: string) {
      const controller = new AbortController();
      const headers: Record<string, string> = { cookie };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const res = await fetch(`${base}/console/api/events`, { headers, signal: controller.signal });
      expect(res.status).toBe(200);
      const received: Received[] = [];
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const done = (async () => {
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (ended) break;
            buffer += decoder.decode(value, { stream: true });
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              if (frame.startsWith('retry:')) opened();
              const fields = Object.fromEntries(frame.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]));
              if (fields.id) received.push({ id: fields.id, type: fields.event ?? 'message', data: JSON.parse(fields.data ?? 'null') });
            }
          }
        } catch {
          // Aborted by the test.
        }
      })();
      await open;
      return {
        received,
        /** Resolves when the stream has ended (the instance went away). */
        done,
        close: () => controller.abort(),
        async until(id: string, timeoutMs = 10_000): Promise<void> {
          const deadline = Date.now() + timeoutMs;
          while (!received.some((e) => e.id === id)) {
            if (Date.now() > deadline) throw new Error(`event ${id} not received; got ${received.map((e) => e.id).join(' ')}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        },
      };
    }

    let k = 0;
    async function post(base: string, chat: UserChat, text: string): Promise<void> {
      const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'u' }, channelData: { clientActivityID: `ev-${++k}` } }),
      });
      expect(res.status).toBe(200);
    }

    async function lastStoredId(): Promise<string> {
      const all = await b.store.readEvents(undefined, 10_000);
      return all.at(-1)!.id;
    }

    it('resumes on instance B after A goes away, with every event appended meanwhile and none twice', async () => {
      const { login } = staffClient(() => baseA);
      const staff = await login('li');
      const first = await connect(baseA, staff.cookie);

      const chat = await openChat(baseA);
      await post(baseA, chat, '转人工');
      await post(baseA, chat, '我在家里很害怕');
      await first.until(await lastStoredId());

      // A goes away (a deploy, a crash behind the load balancer): its streams end.
      aClosed = true;
      await a.close();
      await first.done;
      const lastSeen = first.received.at(-1)!.id;

      // Meanwhile she goes on writing, now on B, and an agent takes the chat there.
      await post(baseB, chat, '他刚才又打我了');
      await b.handoff.claim(chat.conversationId, li);
      await post(baseB, chat, '我现在躲在卫生间');
      const missed = (await b.store.readEvents(lastSeen, 10_000)).map((e) => e.id);
      expect(missed.length).toBeGreaterThan(3);

      // The console reconnects to B with the id of the last event it got; she keeps writing as it does.
      const reconnecting = connect(baseB, staff.cookie, lastSeen);
      await Promise.all([post(baseB, chat, '他在敲门'), post(baseB, chat, '我该怎么办')]);
      const second = await reconnecting;
      await post(baseB, chat, '我还在');
      await b.handoff.agentMessage(chat.conversationId, li, '我在，你先别开门。');
      const end = await lastStoredId();
      await second.until(end);
      second.close();

      const stored = (await b.store.readEvents(undefined, 10_000)).map((e) => e.id);
      const all = [...first.received, ...second.received].map((e) => e.id);
      // In order and none twice, across both instances.
      expect(new Set(all).size).toBe(all.length);
      // Nothing missed from the first event the console got to the last one appended before it stopped.
      const got = all.slice(0, all.indexOf(end) + 1);
      expect(got).toEqual(stored.slice(stored.indexOf(got[0]!), stored.indexOf(end) + 1));
      for (const id of missed) expect(second.received.map((e) => e.id)).toContain(id);
      // Her messages on B reached the console as message events.
      const fromHer = second.received.filter((e) => e.type === 'message' && (e.data as { from?: string }).from === 'user' && (e.data as { conversationId?: string }).conversationId === chat.conversationId);
      expect(fromHer).toHaveLength(5);
    }, 60_000);
  });
});
