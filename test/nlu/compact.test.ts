/**
 * The compact runner (src/nlu/compact.ts) against NLP.js itself, on one network trained once: every line of the
 * first two held-out sets, 300 corpus sentences per locale and some odd texts, in both locales. Two pairs:
 *
 * - a model loaded from `toModel()` (what the service runs) against an NLP.js instance that imported the network,
 *   which is what `fromModel` used to build;
 * - the classifier `train` returns against the NLP.js instance that trained the network, which is what it used
 *   to ask.
 *
 * Each must give the same classifications: the same intents in the same order, scores within 1e-6 (in fact equal).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Nlp } from '@nlpjs/basic';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/core/types.js';
import { stringifyChunked } from '../../src/nlu/chunked-json.js';
import { createNlp, IntentClassifier } from '../../src/nlu/classifier.js';
import type { IntentScore } from '../../src/nlu/compact.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { PROJECT_ROOT } from '../../src/paths.js';

const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));
const CORPUS_SAMPLE = 300;
const TOLERANCE = 1e-6;

function heldOut(name: string, locale: Locale): string[] {
  const file = resolve(PROJECT_ROOT, `test/nlu/${name}.${locale}.jsonl`);
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
}

function corpusSample(locale: Locale): string[] {
  const all = Object.values(corpus[locale]).flat() as string[];
  const step = all.length / CORPUS_SAMPLE;
  return Array.from({ length: CORPUS_SAMPLE }, (_, i) => all[Math.floor(i * step)]!);
}

/**
 * Texts at the edges of NLP.js's pipeline: nothing at all, punctuation, numbers (integer-like tokens come first),
 * repeats, full-width letters and accents, English contractions, the other locale's script, and names of
 * Object.prototype's members, which NLP.js's plain-object dictionaries find where they should find nothing.
 * "Constructor" comes last: NLP.js files its tokens under "constructor" in its cache of prepared texts, after which
 * the text "constructor" answers otherwise (a history the runner does not copy; see compact.ts).
 */
const ODD = [
  '', ' ', '。', '？？？', '12110', '12110 12338 保护令 110', '88', '886', 'hello 123 45', '保 护 令', '保护令保护令保护令',
  'Ünïcödé ＡＢＣ', "I can't and won't, we're gonna", 'PROTECTION ORDER!!!', 'protection order', 'nonefeature', 'nonefeature 保护令',
  'constructor', 'toString', '__proto__', 'hasOwnProperty', 'what is a constructor', 'valueOf 保护令', 'Constructor',
];

function texts(locale: Locale): string[] {
  return [...heldOut('heldout-1', locale), ...heldOut('heldout-2', locale), ...corpusSample(locale), ...ODD];
}

let trained: IntentClassifier;
let trainingNlp: Nlp;
let model: string;
let loaded: IntentClassifier;
let importedNlp: Nlp;

/**
 * The network is trained on every third sentence of each topic: the comparison needs a network of the real shape
 * (every topic, both locales), not an accurate one, and this trains in a third of the time.
 */
const trainingCorpus = Object.fromEntries(
  LOCALES.map((locale) => [locale, Object.fromEntries(Object.entries(corpus[locale]).map(([topic, list]) => [topic, (list as string[]).filter((_, i) => i % 3 === 0)]))]),
) as typeof corpus;

beforeAll(async () => {
  ({ classifier: trained, nlp: trainingNlp } = await IntentClassifier.trainWithNlp(trainingCorpus));
  model = trained.toModel();
  loaded = await IntentClassifier.fromModel(model);
  // What `fromModel` used to do with the model it was given: NLP.js's export, without the language guesser's sentences.
  const exported = JSON.parse(trainingNlp.export(true)) as { nluManager: { extraSentences: unknown[] } };
  exported.nluManager.extraSentences = [];
  importedNlp = await createNlp();
  importedNlp.import(exported);
}, 600_000);

/** Where the runner's classifications part from NLP.js's, if they do. */
function difference(nlpjs: IntentScore[], compact: IntentScore[]): string | undefined {
  const show = (c: IntentScore[]) => JSON.stringify(c.slice(0, 3));
  if (nlpjs[0]?.intent !== compact[0]?.intent) return `top ${show(nlpjs)} vs ${show(compact)}`;
  if (nlpjs.length !== compact.length) return `${nlpjs.length} vs ${compact.length} classifications`;
  for (let i = 0; i < nlpjs.length; i++) {
    const a = nlpjs[i]!;
    const b = compact[i]!;
    if (a.intent !== b.intent) return `#${i} ${a.intent} vs ${b.intent}`;
    if (!(Math.abs(a.score - b.score) <= TOLERANCE) && !(Number.isNaN(a.score) && Number.isNaN(b.score))) return `#${i} ${a.intent} ${a.score} vs ${b.score}`;
  }
  return undefined;
}

async function compare(nlp: Nlp, classifier: IntentClassifier): Promise<{ n: number; exact: number; wrong: string[] }> {
  let n = 0;
  let exact = 0;
  const wrong: string[] = [];
  for (const locale of LOCALES) {
    for (const text of texts(locale)) {
      const nlpjs = (await nlp.nluManager.process(locale, text)).classifications;
      const compact = classifier.scores(locale, text);
      n++;
      const diff = difference(nlpjs, compact);
      if (diff) wrong.push(`${locale} ${JSON.stringify(text)}: ${diff}`);
      else if (nlpjs.every((c, i) => Object.is(c.score, compact[i]!.score))) exact++;
    }
  }
  return { n, exact, wrong };
}

describe('the compact intent network', () => {
  it('answers as NLP.js with the network imported, once loaded from the model file', async () => {
    const { n, exact, wrong } = await compare(importedNlp, loaded);
    process.stdout.write(`\nloaded model vs NLP.js (imported): ${n} texts, ${wrong.length} different, ${exact} with every score bit for bit equal\n`);
    expect(wrong).toEqual([]);
    expect(n).toBeGreaterThan(2 * (336 + 336 + CORPUS_SAMPLE));
  });

  it('answers as the NLP.js instance that trained it, as trained', async () => {
    const { n, exact, wrong } = await compare(trainingNlp, trained);
    process.stdout.write(`\ntrained classifier vs NLP.js (trained): ${n} texts, ${wrong.length} different, ${exact} with every score bit for bit equal\n`);
    expect(wrong).toEqual([]);
  });

  it('writes back the model it was loaded from', () => {
    expect(loaded.toModel()).toBe(model);
  });

  it('refuses a model in an older format, which the model cache then trains anew', async () => {
    const old = stringifyChunked({ nlp: { nluManager: { extraSentences: [] } }, vocabulary: { zh: [], en: [] } });
    await expect(IntentClassifier.fromModel(old)).rejects.toThrow(/compact/);
  });

  it('classifies through the model file as it does as trained, but for `None` among the candidates', async () => {
    // The two answer differently only where NLP.js's trained instance puts `None` first (see compact.ts); count it.
    let differ = 0;
    let n = 0;
    for (const locale of LOCALES) {
      for (const text of [...heldOut('heldout-1', locale), ...heldOut('heldout-2', locale)]) {
        n++;
        const a = await trained.classify(text, locale);
        const b = await loaded.classify(text, locale);
        if (a.intent !== b.intent || a.score !== b.score) {
          differ++;
          expect(trained.scores(locale, text).some((c) => c.intent === 'None')).toBe(true);
        }
      }
    }
    process.stdout.write(`\nclassify: as trained vs through the model file: ${differ} of ${n} held-out messages differ\n`);
  });
});
