/**
 * The FAQ as files: `faq/<topic>.json` and `intents/<locale>.json`, the seed and the source of truth in the
 * repo. `faq export` writes the published versions back in exactly this format, so reviewed edits can be
 * committed; `faq check` validates a folder of them as strictly as the editor validates a save.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES, TOPIC_IDS, type Locale, type TopicId } from '../core/types.js';
import { DataFileError } from '../data-file.js';
import { checkAgainstOthers, faqDocumentSchema, FaqValidationError, validationError, type FaqDocument } from './document.js';
import type { FaqSet } from './schema.js';

type CorpusLike = Record<Locale, Partial<Record<TopicId, string[]>>>;

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes every answer and both locales' training sentences under `dir`; returns the files written. */
export function writeFaqFiles(dir: string, faq: FaqSet, corpus: CorpusLike): string[] {
  mkdirSync(join(dir, 'faq'), { recursive: true });
  mkdirSync(join(dir, 'intents'), { recursive: true });
  const written: string[] = [];
  for (const topic of TOPIC_IDS) {
    const file = join(dir, 'faq', `${topic}.json`);
    writeAtomically(file, JSON.stringify(faq[topic], null, 2));
    written.push(file);
  }
  for (const locale of LOCALES) {
    const file = join(dir, 'intents', `${locale}.json`);
    const utterances = Object.fromEntries(TOPIC_IDS.map((t) => [t, corpus[locale][t] ?? []]));
    writeAtomically(file, JSON.stringify({ locale, utterances }, null, 2));
    written.push(file);
  }
  return written;
}

/**
 * Checks the whole set as the editor checks one save: enough distinct sentences per topic, distinct button
 * titles, and no sentence teaching two topics. The error names the file and field.
 */
export function checkFaqSet(dir: string, faq: FaqSet, corpus: CorpusLike): void {
  for (const topic of TOPIC_IDS) {
    const doc: FaqDocument = { entry: faq[topic], utterances: { zh: corpus.zh[topic] ?? [], en: corpus.en[topic] ?? [] } };
    try {
      const parsed = faqDocumentSchema.safeParse(doc);
      if (!parsed.success) throw validationError(parsed.error);
      checkAgainstOthers(doc, faq, corpus);
    } catch (err) {
      if (!(err instanceof FaqValidationError)) throw err;
      const [part, locale, ...rest] = err.field.split('.');
      const message = err.message.slice(err.field.length + 2);
      if (part === 'utterances') throw new DataFileError(`${join(dir, 'intents', `${locale}.json`)}: utterances.${[topic, ...rest].join('.')}: ${message}`);
      const field = part === 'entry' ? [locale, ...rest].join('.') : err.field;
      throw new DataFileError(`${join(dir, 'faq', `${topic}.json`)}: ${field}: ${message}`);
    }
  }
}
