/**
 * The handoff on Redis: 10,000 open conversations (1% waiting), queue listing and claim p99, and user-to-agent
 * relay latency across two instances, each against a bare Redis round trip measured in the same run.
 */
import { createLogger } from '../src/log.js';
import { Conversations, queuePut } from '../src/handoff/conversations.js';
import { Handoff } from '../src/handoff/service.js';
import { Transcript } from '../src/handoff/transcript.js';
import { RedisStore } from '../src/store/redis.js';
import { startRedis } from '../test/support/redis.js';
import { row, summarize } from './stats.js';

export async function benchHandoff(): Promise<void> {
  const server = await startRedis();
  const a = new RedisStore({ url: server.url, retentionDays: 1 });
  const b = new RedisStore({ url: server.url, retentionDays: 1 });
  try {
    const log = createLogger('silent');
    const conversations = new Conversations(a);
    const transcript = new Transcript({ store: a, clock: Date.now, log });
    const words = () => 'x';
    const handoff = new Handoff({ store: a, conversations, transcript, staffAvailable: async () => true, push: async () => undefined, log, clock: Date.now, queueTimeoutMinutes: 10, words });
    const risks = ['none', 'elevated', 'high', 'imminent'] as const;
    for (let start = 0; start < 10_000; start += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const n = start + i;
          return conversations.mutate(`c${n}`, (r) => {
            if (n % 100 !== 0) return { next: r };
            const next = { ...r, state: 'queued' as const, risk: risks[n % 4]!, waitingSince: Date.now() - n };
            return { next, queue: queuePut(next) };
          });
        }),
      );
    }
    const ping: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await a.ping();
      ping.push(performance.now() - t0);
    }
    const list: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await handoff.queue();
      list.push(performance.now() - t0);
    }
    const claims: number[] = [];
    for (const { conversationId } of await handoff.queue()) {
      const t0 = performance.now();
      await handoff.claim(conversationId, { name: 'bench', displayName: 'Bench' });
      claims.push(performance.now() - t0);
    }
    const base = summarize(ping);
    console.log(row('queue listing (100 waiting of 10,000)', summarize(list), base));
    console.log(row(`claim (${claims.length} claims)`, summarize(claims), base));

    // Relay: a user message recorded on instance A reaches a console following events on instance B.
    let arrived: (() => void) | undefined;
    await b.followEvents(() => arrived?.());
    const relay: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => (arrived = resolve));
      await transcript.recordUser('relay', { id: `r${i}`, text: 'x' });
      await got;
      relay.push(performance.now() - t0);
    }
    console.log(row('relay user -> agent, two instances', summarize(relay), base));
  } finally {
    await a.close();
    await b.close();
    await server.stop();
  }
}
