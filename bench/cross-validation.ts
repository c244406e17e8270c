/**
 * Five-fold cross-validation of the intent classifier on its own corpus: five models, each trained on four fifths of
 * every topic's sentences and asked about the fifth. A figure for comparing settings (it measures the corpus against
 * itself, so it is lower than the held-out sets and not a target); the floors are what it measured on 2026-12-04.
 */
import { resolve } from 'node:path';
import { LOCALES, type Locale, type TopicId } from '../src/core/types.js';
import { IntentClassifier } from '../src/nlu/classifier.js';
import { loadCorpus, type Corpus } from '../src/nlu/corpus.js';
import { PROJECT_ROOT } from '../src/paths.js';

const K = 5;
const FLOOR: Record<Locale, number> = { zh: 86, en: 74 };

export async function benchCrossValidation(): Promise<void> {
  const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));
  const right = { zh: 0, en: 0 };
  const total = { zh: 0, en: 0 };
  for (let k = 0; k < K; k++) {
    const train: Corpus = { zh: {}, en: {} };
    const test: { text: string; intent: TopicId; locale: Locale }[] = [];
    for (const locale of LOCALES) {
      for (const [topic, list] of Object.entries(corpus[locale]) as [TopicId, string[]][]) {
        list.forEach((text, i) => {
          if (i % K === k) test.push({ text, intent: topic, locale });
          else (train[locale][topic] ??= []).push(text);
        });
      }
    }
    const started = performance.now();
    const classifier = await IntentClassifier.train(train);
    for (const t of test) {
      total[t.locale]++;
      if ((await classifier.classify(t.text)).intent === t.intent) right[t.locale]++;
    }
    console.log(`fold ${k + 1} of ${K}: trained and asked in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  for (const locale of LOCALES) {
    const accuracy = (100 * right[locale]) / total[locale];
    console.log(`${K}-fold top-1 ${locale}                        ${accuracy.toFixed(1)}% (n=${total[locale]}; floor ${FLOOR[locale]}%)${accuracy < FLOOR[locale] ? '  BELOW THE FLOOR' : ''}`);
  }
}
