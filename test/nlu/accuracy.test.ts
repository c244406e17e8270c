/**
 * Intent accuracy, two ways. Three held-out sets (`heldout-<n>.<locale>.jsonl`, 12, 12 and 10 messages per topic
 * and locale) were each written by a separate session that never saw the training corpus. Sets 1 and 2 have
 * since been used to choose settings (the window size, the generic-token cut, the network's training rates),
 * so they are no longer unseen; set 3 was measured before and after those choices and not tuned on. The targets
 * (90% zh, 88% en) apply to the three pooled; each set also has a floor just below what it measures today.
 * The model is the one the service runs: built at install, loaded from its cache file. (Five-fold cross-validation
 * on the corpus trains five models, minutes of CI: it is in `npm run bench -- cross-validation`.) Everything prints.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { LOCALES, type Locale, type TopicId } from '../../src/core/types.js';
import { createLogger } from '../../src/log.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { IntentModel } from '../../src/nlu/model.js';

const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));

let full: IntentModel;
beforeAll(async () => {
  full = new IntentModel({ cacheDir: resolve(PROJECT_ROOT, '.cache/nlu'), log: createLogger('silent'), inline: true });
  await full.load(corpus);
}, 180_000);

/** Each set's floor per locale: a point or so below what it measured when it was added. */
const SETS: { name: string; floor: Record<Locale, number> }[] = [
  { name: 'heldout-1', floor: { zh: 95, en: 92 } },
  { name: 'heldout-2', floor: { zh: 95, en: 91 } },
  { name: 'heldout-3', floor: { zh: 88, en: 92 } },
];

function heldOut(name: string, locale: Locale): { text: string; intent: TopicId }[] {
  const file = resolve(PROJECT_ROOT, `test/nlu/${name}.${locale}.jsonl`);
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; intent: TopicId });
}

describe('intent classification', () => {
  it('reaches the targets on the held-out sets written apart from the corpus', async () => {
    const pooled = { zh: { right: 0, n: 0 }, en: { right: 0, n: 0 } };
    const lines: string[] = [];
    const below: string[] = [];
    for (const { name, floor } of SETS) {
      for (const locale of LOCALES) {
        const set = heldOut(name, locale);
        let right = 0;
        for (const { text, intent } of set) if ((await full.classify(text, locale)).intent === intent) right++;
        const accuracy = (100 * right) / set.length;
        lines.push(`${name} ${locale} ${accuracy.toFixed(1)}% (n=${set.length})`);
        if (accuracy < floor[locale]) below.push(`${name} ${locale} ${accuracy.toFixed(1)}% < ${floor[locale]}%`);
        pooled[locale].right += right;
        pooled[locale].n += set.length;
      }
    }
    const zh = (100 * pooled.zh.right) / pooled.zh.n;
    const en = (100 * pooled.en.right) / pooled.en.n;
    process.stdout.write(`\nheld-out top-1 accuracy: zh ${zh.toFixed(1)}% (n=${pooled.zh.n}), en ${en.toFixed(1)}% (n=${pooled.en.n}); ${lines.join(', ')}\n`);
    expect(zh).toBeGreaterThanOrEqual(90);
    expect(en).toBeGreaterThanOrEqual(88);
    expect(below).toEqual([]);
  }, 180_000);

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
    // Today 1 of 12 slips through ("translate hello into spanish" as a greeting); this guards against worse.
    expect(wrong.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
