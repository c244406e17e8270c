/**
 * Bounded memory on the embedded store: 100,000 turns over 1,000 conversations (100 turns each, one after another)
 * through the live bot code, on a clock that moves a minute a turn with a retention of one day, so that old chats
 * expire as they would in a long run. Heap after a forced GC after the first 5,000 turns and at the end. Target:
 * within 20%. Run with --expose-gc (npm run bench does).
 */
import { buildApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';

const TURNS = 100_000;
const PER_CONVERSATION = 100;
const TEXTS = ['怎么申请人身安全保护令', '他打我，我想离婚，孩子怎么办', 'how do i get legal aid', '告诫书有什么用', '你好', '谢谢'];

function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

export async function benchSoak(): Promise<void> {
  let now = Date.UTC(2026, 0, 1);
  const app = await buildApp(parseConfig({ LOG_LEVEL: 'silent', PORT: '0', RETENTION_DAYS: '1' }), { log: createLogger('silent'), trainInline: true, clock: () => now });
  await app.modelReady;
  let start = 0;
  const t0 = performance.now();
  for (let i = 0; i < TURNS; i++) {
    now += 60_000;
    // A fresh text now and then: no per-text cache may grow with them.
    const text = i % 10 === 0 ? `${TEXTS[i % TEXTS.length]} ${i}` : TEXTS[i % TEXTS.length]!;
    await app.logAdapter.receive(app.bot, `soak-${Math.floor(i / PER_CONVERSATION)}`, { id: `t${i}`, activity: { type: 'message', text, from: { id: 'u', role: 'user' } } });
    if (i === 5_000) start = heapMb();
  }
  const seconds = (performance.now() - t0) / 1000;
  const end = heapMb();
  await app.close();
  console.log(`soak: ${TURNS} turns over ${TURNS / PER_CONVERSATION} chats in ${seconds.toFixed(0)} s; heap after GC ${start.toFixed(1)} MB after 5,000 turns -> ${end.toFixed(1)} MB at the end (${((100 * (end - start)) / start).toFixed(0)}%, target within 20%)`);
}
