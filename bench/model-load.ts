/**
 * Cost of loading a trained intent model from its cache file: time and resident memory.
 *
 *   npx tsx bench/model-load.ts write <model-file> [intents-dir]   trains on the corpus and writes `toModel()`
 *   node --expose-gc --import tsx bench/model-load.ts load <model-file> [runs]
 *
 * `load` runs in a fresh process: after the modules are imported it forces a GC and reads RSS, then times
 * `readFile` + `IntentClassifier.fromModel`, classifies one message, forces a GC again and reads RSS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/paths.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { loadCorpus } from '../src/nlu/corpus.js';

const [mode, file, arg] = process.argv.slice(2);
if (!file) throw new Error('usage: model-load.ts write|load <model-file> [intents-dir|runs]');

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
};

if (mode === 'write') {
  const corpus = loadCorpus(resolve(arg ?? resolve(PROJECT_ROOT, 'intents')));
  const started = performance.now();
  const classifier = await IntentClassifier.train(corpus);
  const model = classifier.toModel();
  await writeFile(file, model);
  console.log(`trained in ${(performance.now() - started).toFixed(0)} ms; ${file}: ${mb(model.length)} MB of text`);
} else if (mode === 'load') {
  gc();
  const before = process.memoryUsage();
  const times: number[] = [];
  const keep: IntentClassifier[] = [];
  for (let i = 0; i < Number(arg ?? 1); i++) {
    const t0 = performance.now();
    const classifier = await IntentClassifier.fromModel(await readFile(file, 'utf8'));
    times.push(performance.now() - t0);
    // Only the last model stays alive, as in the service.
    keep.splice(0, keep.length, classifier);
  }
  const first = await keep[0]!.classify('怎么申请保护令');
  gc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({
      loadMs: times.map((t) => Math.round(t)),
      rssBeforeMb: mb(before.rss),
      rssAfterMb: mb(after.rss),
      rssDeltaMb: mb(after.rss - before.rss),
      heapDeltaMb: mb(after.heapUsed - before.heapUsed),
      externalDeltaMb: mb(after.external + after.arrayBuffers - before.external - before.arrayBuffers),
      sample: first,
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
