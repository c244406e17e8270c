/** The training corpus: `intents/<locale>.json`, validated at load with the file and field in the error. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, parseDataFile, readJsonFile } from '../data-file.js';
import { LOCALES, TOPIC_IDS, type Locale, type TopicId } from '../core/types.js';

const utterance = z.string().trim().min(1, 'empty utterance').max(500, 'longer than 500 characters');

const corpusFileSchema = z.object({
  locale: z.enum(LOCALES),
  utterances: z.record(
    z.enum(TOPIC_IDS, { error: (i) => `unknown topic id ${JSON.stringify(i.input)}` }),
    z.array(utterance).min(1),
  ),
});

export type Corpus = Record<Locale, Partial<Record<TopicId, string[]>>>;

export function parseCorpusFile(file: string, data: unknown): z.infer<typeof corpusFileSchema> {
  return parseDataFile(file, corpusFileSchema, data);
}

/** Reads every `*.json` in the folder; several files may add to one locale. Every topic must be covered. */
export function loadCorpus(dir: string): Corpus {
  const corpus: Corpus = { zh: {}, en: {} };
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const name of files) {
    const file = join(dir, name);
    const parsed = parseCorpusFile(file, readJsonFile(file));
    const target = corpus[parsed.locale];
    for (const [topic, list] of Object.entries(parsed.utterances) as [TopicId, string[]][]) {
      target[topic] = [...(target[topic] ?? []), ...list];
    }
  }
  for (const locale of LOCALES) {
    const missing = TOPIC_IDS.filter((t) => !corpus[locale][t]?.length);
    if (missing.length) throw new DataFileError(`${dir}: locale ${locale}: no utterances for ${missing.join(', ')}`);
  }
  return corpus;
}
