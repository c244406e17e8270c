/**
 * Intent accuracy, two ways. A held-out set (`heldout.<locale>.jsonl`, 12 messages per topic and locale) was
 * written by a separate session that never saw the training corpus; the targets apply to it (90% zh, 88% en).
 * It has since been used to choose two settings (the window size and the generic-token cut), so it is no
 * longer perfectly unseen: an outside set remains the real measure. K-fold cross-validation on the corpus is
 * the second figure. Both print; the floors guard against regressions.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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

let full: IntentClassifier;
beforeAll(async () => {
  full = await IntentClassifier.train(corpus);
}, 120_000);

function heldOut(locale: Locale): { text: string; intent: TopicId }[] {
  const file = resolve(PROJECT_ROOT, `test/nlu/heldout.${locale}.jsonl`);
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; intent: TopicId });
}

describe('intent classification', () => {
  it('reaches the targets on the held-out set written apart from the corpus', async () => {
    const accuracy: Record<string, number> = {};
    for (const locale of LOCALES) {
      const set = heldOut(locale);
      let right = 0;
      for (const { text, intent } of set) if ((await full.classify(text, locale)).intent === intent) right++;
      accuracy[locale] = (100 * right) / set.length;
    }
    process.stdout.write(`\nheld-out top-1 accuracy: zh ${accuracy.zh!.toFixed(1)}% (n=${heldOut('zh').length}), en ${accuracy.en!.toFixed(1)}% (n=${heldOut('en').length})\n`);
    expect(accuracy.zh).toBeGreaterThanOrEqual(90);
    expect(accuracy.en).toBeGreaterThanOrEqual(88);
  }, 120_000);

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
    expect(en).toBeGreaterThanOrEqual(68);
  }, 240_000);

  it('recognises the core questions in their plainest words', async () => {
    const classifier = full;
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
    const classifier = full;
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
