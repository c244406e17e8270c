/**
 * Held-out set 4 (`heldout-4.sealed.<locale>.jsonl`, 420 messages per locale over all 35 topics), written by a
 * session that saw only `../shared/spec/topics.md`, never the corpus or the classifier. It was sealed until the FAQ
 * work was done and measured once (2026-12-04); nothing was tuned on it since. It prints its figures, the seven
 * new topics apart from the 28 older ones; the floors sit just below what that one measurement gave.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCALES, type Locale, type TopicId } from '../../src/core/types.js';
import { createLogger } from '../../src/log.js';
import { loadCorpus } from '../../src/nlu/corpus.js';
import { IntentModel } from '../../src/nlu/model.js';
import { PROJECT_ROOT } from '../../src/paths.js';

const NEW_TOPICS = new Set<string>(['sexual.violence', 'criminal.prosecution', 'self_defence', 'pregnancy', 'children.taken', 'online_abuse', 'elderly_disabled']);
// Measured once: zh 92.6%, en 91.9%.
const FLOOR: Record<Locale, number> = { zh: 91, en: 90 };

let model: IntentModel;
beforeAll(async () => {
  model = new IntentModel({ cacheDir: resolve(PROJECT_ROOT, '.cache/nlu'), log: createLogger('silent'), inline: true });
  await model.load(loadCorpus(resolve(PROJECT_ROOT, 'intents')));
}, 180_000);

describe('intent classification on the sealed held-out set 4', () => {
  it('prints its accuracy, old and new topics apart, and holds its floor', async () => {
    const accuracy: Record<Locale, number> = { zh: 0, en: 0 };
    const lines: string[] = [];
    for (const locale of LOCALES) {
      const set = readFileSync(resolve(PROJECT_ROOT, `test/nlu/heldout-4.sealed.${locale}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; intent: TopicId });
      const tally = { old: { right: 0, n: 0 }, new: { right: 0, n: 0 } };
      for (const { text, intent } of set) {
        const t = NEW_TOPICS.has(intent) ? tally.new : tally.old;
        t.n++;
        if ((await model.classify(text, locale)).intent === intent) t.right++;
      }
      const right = tally.old.right + tally.new.right;
      accuracy[locale] = (100 * right) / set.length;
      const pct = (t: { right: number; n: number }) => `${((100 * t.right) / t.n).toFixed(1)}% (n=${t.n})`;
      lines.push(`${locale} ${accuracy[locale].toFixed(1)}% (n=${set.length}): 28 older topics ${pct(tally.old)}, 7 new topics ${pct(tally.new)}`);
    }
    process.stdout.write(`\nsealed held-out set 4: ${lines.join('; ')}\n`);
    expect(accuracy.zh).toBeGreaterThanOrEqual(FLOOR.zh);
    expect(accuracy.en).toBeGreaterThanOrEqual(FLOOR.en);
  }, 120_000);
});
