/**
 * Intent accuracy by k-fold cross-validation on the corpus: train on four fifths, test on the rest, per
 * locale. Prints the figures; the floors below are regression guards at the level reached so far, well under
 * the targets (90% zh, 88% en on an unseen set), which the corpus has yet to reach.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { LOCALES, type Locale, type TopicId } from '../../src/core/types.js';
import { IntentClassifier } from '../../src/nlu/classifier.js';
import { loadCorpus, type Corpus } from '../../src/nlu/corpus.js';

const K = 5;
const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));

function fold(k: number): { train: Corpus; test: { text: string; intent: TopicId; locale: Locale }[] } {
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
  return { train, test };
}

describe('intent classification', () => {
  it(`reaches its accuracy floor in ${K}-fold cross-validation`, async () => {
    const right = { zh: 0, en: 0 };
    const total = { zh: 0, en: 0 };
    for (let k = 0; k < K; k++) {
      const { train, test } = fold(k);
      const classifier = await IntentClassifier.train(train);
      for (const t of test) {
        total[t.locale]++;
        if ((await classifier.classify(t.text)).intent === t.intent) right[t.locale]++;
      }
    }
    const zh = (100 * right.zh) / total.zh;
    const en = (100 * right.en) / total.en;
    process.stdout.write(`\n${K}-fold top-1 accuracy: zh ${zh.toFixed(1)}% (n=${total.zh}), en ${en.toFixed(1)}% (n=${total.en})\n`);
    expect(zh).toBeGreaterThanOrEqual(74);
    expect(en).toBeGreaterThanOrEqual(66);
  }, 240_000);

  it('recognises the core questions in their plainest words', async () => {
    const classifier = await IntentClassifier.train(corpus);
    const core: [string, TopicId][] = [
      ['怎么申请保护令', 'protection_order.apply'],
      ['保护令多久能下来', 'protection_order.timeline'],
      ['告诫书是什么', 'police.warning_letter'],
      ['怎么验伤', 'injury.assessment'],
      ['有没有庇护所', 'shelter'],
      ['请不起律师怎么办', 'legal_aid'],
      ['how to get a protection order', 'protection_order.apply'],
      ['is there a shelter', 'shelter'],
      ['can i get legal aid', 'legal_aid'],
      ['who gets custody of the kids', 'custody.children'],
    ];
    const wrong: string[] = [];
    for (const [text, intent] of core) {
      const c = await classifier.classify(text);
      if (c.intent !== intent || c.score < 0.6) wrong.push(`${text} -> ${c.intent} ${c.score.toFixed(2)}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('sends most off-topic messages to out_of_scope or below the confidence floor, not to a confident topic', async () => {
    const classifier = await IntentClassifier.train(corpus);
    const offTopic = [
      '量子力学是什么', '帮我算一下三加五', '周末去哪里爬山好', '这件衣服有没有大码', '高铁票怎么改签', '猫咪不吃饭怎么办',
      'what is the capital of france', 'recommend a good laptop', 'how tall is mount everest', 'best pizza in town',
      'my printer is not working', 'translate hello into spanish',
    ];
    const wrong: string[] = [];
    for (const text of offTopic) {
      const c = await classifier.classify(text);
      if (c.intent !== 'out_of_scope' && c.score >= 0.6) wrong.push(`${text} -> ${c.intent} ${c.score.toFixed(2)}`);
    }
    process.stdout.write(`\noff-topic taken as a confident topic: ${wrong.length}/${offTopic.length}\n${wrong.join('\n')}\n`);
    // Today 2 of 12 slip through (see the closing note of the foundation issue); this guards against worse.
    expect(wrong.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
