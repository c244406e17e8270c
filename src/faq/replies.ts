/** The bot's own words, `replies/bot.json`: both languages, reviewed and dated like the FAQ, validated at load. */
import { z } from 'zod';
import { WORD_KEYS, type WordKey, type Words } from '../core/words.js';
import { parseDataFile, readJsonFile } from '../data-file.js';

const localized = z.object({ zh: z.string().trim().min(1, 'required'), en: z.string().trim().min(1, 'required') });

const repliesSchema = z.object({
  lastReviewed: z.iso.date('must be a date like 2026-11-25'),
  reviewer: z.string().trim().min(1, 'required'),
  /** Where a number or a fact in the texts comes from. */
  sources: z.record(z.string(), z.string()),
  texts: z.object(Object.fromEntries(WORD_KEYS.map((k) => [k, localized])) as Record<WordKey, typeof localized>).strict(),
});

export type RepliesFile = z.infer<typeof repliesSchema>;

export function loadReplies(file: string): Words {
  const data = parseDataFile(file, repliesSchema, readJsonFile(file));
  return (key, locale, vars) => {
    const text = data.texts[key][locale];
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (vars[name] === undefined ? m : String(vars[name]))) : text;
  };
}
