/**
 * The choice of Chinese tokenizer: character bigrams (ours) against jieba (@node-rs/jieba) and NLP.js's
 * @nlpjs/lang-zh, by 5-fold accuracy on the zh corpus and accuracy on the held-out set, load time and memory (each loaded in a fresh process).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/app.js';
import type { TopicId } from '../src/core/types.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { loadCorpus, type Corpus } from '../src/nlu/corpus.js';
import { foldText, tokenizeZh } from '../src/nlu/text.js';

const require = createRequire(import.meta.url);
const K = 5;

const LOADERS: Record<string, string> = {
  // Twenty lines of our own code and no data: nothing to load beyond the process itself.
  bigram: '',
  jieba: "const { Jieba } = require('@node-rs/jieba'); const { dict } = require('@node-rs/jieba/dict'); globalThis.j = Jieba.withDict(dict); j.cut('我想申请保护令')",
  'lang-zh': "const { TokenizerZh } = require('@nlpjs/lang-zh'); new TokenizerZh().tokenize('我想申请保护令')",
};

function loadCost(name: string): { ms: number; rssMb: number } {
  const script = `const t0 = performance.now(); ${LOADERS[name]}; const ms = performance.now() - t0; console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 1048576 }))`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { ms: number; rssMb: number };
}

async function accuracy(corpus: Corpus, tokenize: (text: string) => string[]): Promise<number> {
  let right = 0;
  let total = 0;
  for (let k = 0; k < K; k++) {
    const train: Corpus = { zh: {}, en: corpus.en };
    const test: [string, TopicId][] = [];
    for (const [topic, list] of Object.entries(corpus.zh) as [TopicId, string[]][]) {
      list.forEach((u, i) => (i % K === k ? test.push([u, topic]) : (train.zh[topic] ??= []).push(u)));
    }
    const c = await IntentClassifier.train(train, { tokenizeZh: tokenize });
    for (const [text, topic] of test) {
      total++;
      if ((await c.classify(text, 'zh')).intent === topic) right++;
    }
  }
  return (100 * right) / total;
}

/** Trained on the whole corpus, tested on the held-out set written apart from it. */
async function heldOutAccuracy(corpus: Corpus, tokenize: (text: string) => string[]): Promise<number> {
  const set = readFileSync(resolve(PROJECT_ROOT, 'test/nlu/heldout-1.zh.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; intent: TopicId });
  const c = await IntentClassifier.train(corpus, { tokenizeZh: tokenize });
  let right = 0;
  for (const { text, intent } of set) if ((await c.classify(text, 'zh')).intent === intent) right++;
  return (100 * right) / set.length;
}

export async function benchZhTokenizers(): Promise<void> {
  const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));
  const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): { cut(t: string, hmm?: boolean): string[] } } };
  const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
  const jieba = Jieba.withDict(dict);
  const { TokenizerZh } = require('@nlpjs/lang-zh') as { TokenizerZh: new () => { tokenize(t: string): string[] } };
  const langZh = new TokenizerZh();
  const words = (list: string[]) => list.map((w) => w.trim()).filter((w) => /[\p{L}\p{N}]/u.test(w));
  const candidates: [string, (t: string) => string[]][] = [
    ['bigram', tokenizeZh],
    ['jieba', (t) => words(jieba.cut(foldText(t), true))],
    ['lang-zh', (t) => words(langZh.tokenize(foldText(t)))],
  ];
  for (const [name, tokenize] of candidates) {
    const acc = await accuracy(corpus, tokenize);
    const held = await heldOutAccuracy(corpus, tokenize);
    const load = loadCost(name);
    console.log(`zh tokenizer ${name.padEnd(8)} 5-fold ${acc.toFixed(1)}%   held-out ${held.toFixed(1)}%   load ${load.ms.toFixed(0).padStart(5)} ms   process RSS after load ${load.rssMb.toFixed(0)} MB`);
  }
}
