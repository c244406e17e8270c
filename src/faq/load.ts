/** Loads and validates the seed answers in `faq/`: one file per topic, every topic present. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOPIC_IDS, type TopicId } from '../core/types.js';
import { DataFileError, parseDataFile, readJsonFile } from '../data-file.js';
import { faqEntrySchema, type FaqEntry, type FaqSet } from './schema.js';

export function parseFaqEntry(file: string, data: unknown): FaqEntry {
  return parseDataFile(file, faqEntrySchema, data);
}

export function loadFaq(dir: string): FaqSet {
  const found = new Map<TopicId, FaqEntry>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const entry = parseFaqEntry(file, readJsonFile(file));
    if (name !== `${entry.intent}.json`) {
      throw new DataFileError(`${file}: intent: ${entry.intent} must live in ${entry.intent}.json`);
    }
    found.set(entry.intent, entry);
  }
  const missing = TOPIC_IDS.filter((t) => !found.has(t));
  if (missing.length) throw new DataFileError(`${dir}: no answer for ${missing.join(', ')}`);
  return Object.fromEntries(found) as FaqSet;
}
