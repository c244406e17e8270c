/** Classification cost: our whole pipeline (screen, detect locale, classify, decide) vs bare NLP.js. */
import { resolve } from 'node:path';
import { Nlp, containerBootstrap, LangEn } from '@nlpjs/basic';
import { PROJECT_ROOT } from '../src/app.js';
import { decide } from '../src/core/policy.js';
import { LOCALES, type Locale } from '../src/core/types.js';
import { createLogger } from '../src/log.js';
import { loadCorpus, type Corpus } from '../src/nlu/corpus.js';
import { IntentModel } from '../src/nlu/model.js';
import { screenConversation } from '../src/safety/screen.js';
import { serviceScreener } from '../test/support/screener.js';
import { row, summarize, timeEach } from './stats.js';

function sample(corpus: Corpus, perLocale: number): { text: string; locale: Locale }[] {
  const out: { text: string; locale: Locale }[] = [];
  for (const locale of LOCALES) {
    const all = Object.values(corpus[locale]).flat() as string[];
    const step = Math.max(1, Math.floor(all.length / perLocale));
    for (let i = 0; i < all.length && out.length < perLocale * (locale === 'zh' ? 1 : 2); i += step) {
      out.push({ text: all[i]!, locale });
    }
  }
  return out;
}

export async function benchClassify(): Promise<void> {
  const corpus = loadCorpus(resolve(PROJECT_ROOT, 'intents'));
  const log = createLogger('silent');
  const model = new IntentModel({ cacheDir: resolve(PROJECT_ROOT, '.cache/nlu'), log, inline: true });
  await model.load(corpus);

  // The baseline: NLP.js as it comes, trained on the same utterances, asked through its own front door.
  const container = await containerBootstrap();
  container.use(LangEn);
  const bare = new Nlp({ container, languages: [...LOCALES], autoSave: false, autoLoad: false, nlu: { log: false } });
  for (const locale of LOCALES) {
    for (const [topic, list] of Object.entries(corpus[locale])) for (const u of list ?? []) bare.addDocument(locale, u, topic);
  }
  await bare.train();

  const inputs = sample(corpus, 500);
  const ours = await timeEach(inputs, async ({ text }) => {
    const risk = screenConversation([serviceScreener().screenMessage(text)]);
    const c = await model.classify(text);
    return decide({ risk: risk.level, intent: c.intent, score: c.score, minScore: 0.6, previousWasMiss: false });
  });
  const baseline = await timeEach(inputs, ({ text, locale }) => bare.process(locale, text));
  console.log(row(`classify pipeline (${inputs.length} utterances)`, summarize(ours), summarize(baseline)));
}
