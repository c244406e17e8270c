/**
 * Cost of loading a trained intent model from its cache file: time and resident memory.
 *
 *   npx tsx bench/model-load.ts write <model-file> [intents-dir]      trains on the corpus and writes `toModel()`
 *   node --expose-gc --import tsx bench/model-load.ts load <model-file> [classifier-module] [runs]
 *
 * `load` is meant for a fresh process. It imports the classifier module (by default src/nlu/classifier.ts; give a
 * compiled dist/src/nlu/classifier.js to leave TypeScript's transpiling out of the import time), forces a GC and
 * reads RSS, then times reading the file and `IntentClassifier.fromModel` as IntentModel does them (wall and CPU),
 * classifies one message, forces a GC again and reads RSS. With several runs, only the last model stays alive.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, file, arg, runs] = process.argv.slice(2);
if (!file) throw new Error('usage: model-load.ts write <model-file> [intents-dir] | load <model-file> [classifier-module] [runs]');

const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
const cpuMs = (usage: NodeJS.CpuUsage) => Math.round((usage.user + usage.system) / 1000);
const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
  collect();
};

type Classifiers = typeof import('../src/nlu/classifier.js');

if (mode === 'write') {
  const { PROJECT_ROOT } = await import('../src/paths.js');
  const { loadCorpus } = await import('../src/nlu/corpus.js');
  const { IntentClassifier } = await import('../src/nlu/classifier.js');
  const corpus = loadCorpus(resolve(arg ?? resolve(PROJECT_ROOT, 'intents')));
  const started = performance.now();
  const model = (await IntentClassifier.train(corpus)).toModel();
  await writeFile(file, model);
  console.log(`trained in ${(performance.now() - started).toFixed(0)} ms; ${file}: ${mb(Buffer.byteLength(model))} MB`);
} else if (mode === 'load') {
  const rssAtStart = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { IntentClassifier } = (await import(arg ? pathToFileURL(resolve(arg)).href : '../src/nlu/classifier.js')) as Classifiers;
  const importMs = performance.now() - t0;
  const importCpu = process.cpuUsage(c0);
  gc();
  const before = process.memoryUsage();
  const loadMs: number[] = [];
  const loadCpuMs: number[] = [];
  let classifier: Awaited<ReturnType<Classifiers['IntentClassifier']['fromModel']>> | undefined;
  for (let i = 0; i < Number(runs ?? 1); i++) {
    classifier = undefined;
    const t = performance.now();
    const c = process.cpuUsage();
    classifier = await IntentClassifier.fromModel(await readFile(file, 'utf8'));
    loadMs.push(Math.round(performance.now() - t));
    loadCpuMs.push(cpuMs(process.cpuUsage(c)));
  }
  const sample = await classifier!.classify('怎么申请保护令');
  gc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({
      importMs: Math.round(importMs),
      importCpuMs: cpuMs(importCpu),
      loadMs,
      loadCpuMs,
      rssAtStartMb: mb(rssAtStart),
      rssBeforeLoadMb: mb(before.rss),
      rssAfterLoadMb: mb(after.rss),
      rssLoadDeltaMb: mb(after.rss - before.rss),
      heapLoadDeltaMb: mb(after.heapUsed - before.heapUsed),
      sample: [sample.intent, sample.score],
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
