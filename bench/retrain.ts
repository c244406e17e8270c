/**
 * Publishing retrains in a worker thread: classification latency while a new model trains, against the same
 * loop with nothing training (the baseline), both measured here and now. Each sample includes a turn of the
 * event loop, so a stall on the main thread (receiving and loading the new model) shows up in it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { PROJECT_ROOT } from '../src/app.js';
import { createLogger } from '../src/log.js';
import { loadCorpus } from '../src/nlu/corpus.js';
import { IntentModel } from '../src/nlu/model.js';
import { fmt, row, summarize } from './stats.js';

const TEXTS = ['怎么申请人身安全保护令', '他又打我了，我想报警', 'how do I get a protection order', '法律援助怎么申请', 'can my husband find out I wrote here'];

async function sampleWhile(model: IntentModel, keepGoing: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  let i = 0;
  while (keepGoing()) {
    const t0 = performance.now();
    await model.classify(TEXTS[i++ % TEXTS.length]!);
    await tick();
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchRetrain(): Promise<void> {
  const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'hotline-bench-nlu-'));
  try {
    const model = new IntentModel({ cacheDir, log: createLogger('silent') });
    await model.load(corpus);

    // A new utterance makes a corpus that no cache holds: the worker really trains.
    const edited = { ...corpus, zh: { ...corpus.zh, shelter: [...(corpus.zh.shelter ?? []), `蓝色小屋 ${randomUUID()}`] } };
    const started = performance.now();
    const training = model.load(edited);
    const during = await sampleWhile(model, () => model.training);
    await training;
    const trainMs = performance.now() - started;
    const idleUntil = performance.now() + trainMs;
    const idle = await sampleWhile(model, () => performance.now() < idleUntil);

    const d = summarize(during);
    console.log(row('classify while retraining', d, summarize(idle)));
    console.log(`retraining took ${fmt(trainMs)} in a worker; ${during.length} classifications answered meanwhile (${idle.length} in the same time idle); slowest ${fmt(d.max)} (idle: ${fmt(summarize(idle).max)})`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
