/**
 * Publishing new training sentences retrains the model in a worker thread: the old model goes on answering
 * during training (measured here), and the new one is swapped in whole.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseEdit } from '../../src/faq/document.js';
import { buildTestApp } from '../support/app.js';

/** Training in the worker takes 10 to 40 s on this machine, more while other test files train in parallel. */
const TRAINING_MS = 240_000;

let app: App;
beforeAll(async () => {
  app = await buildTestApp({}, { trainInline: false });
});
afterAll(async () => {
  await app.close();
});

describe('retraining after a publication', () => {
  it('keeps answering with the old model while the new one trains, then recognises the new sentence', async () => {
    const phrase = '蓝色小屋的门还开着吗';
    expect((await app.model.classify(phrase, 'zh')).intent).not.toBe('shelter');

    const head = await app.catalog.get('shelter');
    const { entry, utterances } = head.doc;
    // A sentence unique to this run makes the corpus new, so that the model really trains (no cache hit).
    const edit = parseEdit({
      followUps: entry.followUps,
      zh: entry.zh,
      en: entry.en,
      utterances: { zh: [...utterances.zh, phrase, '蓝色小屋还能住人吗', '去蓝色小屋怎么走'], en: [...utterances.en, `blue house ${randomUUID()}`] },
    });
    const changed = once(app.catalog, 'change');
    await app.catalog.save('shelter', head.version, edit, 'test');
    await changed;
    expect(app.model.training).toBe(true);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let answered = 0;
    const during = new Set<string>();
    while (app.model.training) {
      during.add((await app.model.classify(phrase, 'zh')).intent);
      answered++;
      await tick();
    }
    delay.disable();
    await app.model.idle();

    // Every classification during training came from the old model, and there were many.
    expect(answered).toBeGreaterThan(50);
    expect(during.has('shelter')).toBe(false);
    expect((await app.model.classify(phrase, 'zh')).intent).toBe('shelter');
    process.stdout.write(
      `retrain: ${answered} classifications answered during training; event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms\n`,
    );
  }, TRAINING_MS);
});
