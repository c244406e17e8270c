/**
 * One topic as admins edit it: the answer in both locales, its follow-ups and its training utterances. Every
 * save is validated here, field by field, and against the other topics, before it becomes a version.
 */
import { z } from 'zod';
import { LOCALES, TOPIC_IDS, type Locale, type TopicId } from '../core/types.js';
import { firstIssue } from '../first-issue.js';
import { faqAnswerFields, faqEntrySchema, type FaqEntry, type FaqSet } from './schema.js';

export const MIN_UTTERANCES = 10;
export const MAX_UTTERANCES = 400;

const utteranceList = z
  .array(z.string().trim().min(1, 'empty line').max(500, 'longer than 500 characters'))
  .min(MIN_UTTERANCES, `at least ${MIN_UTTERANCES} training sentences, so that the bot still recognises the topic`)
  .max(MAX_UTTERANCES, `at most ${MAX_UTTERANCES} training sentences`)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((u, i) => {
      const key = utteranceKey(u);
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `the same as line ${first + 1}` });
      else seen.set(key, i);
    });
  });

export type Utterances = Record<Locale, string[]>;

/** What an admin sends: everything she may change. The review date and reviewer change only by "mark reviewed". */
export const faqEditSchema = z.object({
  ...faqAnswerFields,
  utterances: z.object({ zh: utteranceList, en: utteranceList }),
  note: z.string().trim().max(200, 'at most 200 characters').nullish(),
});

export type FaqEdit = z.infer<typeof faqEditSchema>;

/** A stored version's content. */
export interface FaqDocument {
  entry: FaqEntry;
  utterances: Utterances;
}

export const faqDocumentSchema = z.object({
  entry: faqEntrySchema,
  utterances: z.object({ zh: utteranceList, en: utteranceList }),
});

export class FaqValidationError extends Error {
  override name = 'FaqValidationError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The first problem in an edit or a document, naming its field. */
export function validationError(error: z.ZodError): FaqValidationError {
  const { field, message } = firstIssue(error, 'body');
  return new FaqValidationError(field, message);
}

/** Parses an admin's edit; the error names the field ("zh.title: at most 12 characters"). */
export function parseEdit(input: unknown): FaqEdit {
  const parsed = faqEditSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** The document an edit makes of a topic, keeping its review date and reviewer. */
export function applyEdit(intent: TopicId, base: FaqEntry, edit: FaqEdit): FaqDocument {
  const candidate = { intent, lastReviewed: base.lastReviewed, reviewer: base.reviewer, followUps: edit.followUps, zh: edit.zh, en: edit.en };
  const parsed = faqEntrySchema.safeParse(candidate);
  if (!parsed.success) throw validationError(parsed.error);
  return { entry: parsed.data, utterances: edit.utterances };
}

export function utteranceKey(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/[\s\p{P}]+/gu, '');
}

/**
 * Checks a topic's new document against the other topics: button titles must stay unique (a tapped button is
 * matched by its title), and a training sentence may teach only one topic.
 */
export function checkAgainstOthers(doc: FaqDocument, faq: FaqSet, corpus: Record<Locale, Partial<Record<TopicId, string[]>>>): void {
  const intent = doc.entry.intent;
  const titles = new Map<string, TopicId>();
  for (const other of Object.values(faq)) {
    if (other.intent === intent) continue;
    for (const locale of LOCALES) titles.set(other[locale].title, other.intent);
  }
  for (const locale of LOCALES) {
    const owner = titles.get(doc.entry[locale].title);
    if (owner) throw new FaqValidationError(`${locale}.title`, `already the title of ${owner}; buttons need distinct titles`);
  }
  for (const locale of LOCALES) {
    const owners = new Map<string, TopicId>();
    for (const topic of TOPIC_IDS) {
      if (topic === intent) continue;
      for (const u of corpus[locale][topic] ?? []) owners.set(utteranceKey(u), topic);
    }
    doc.utterances[locale].forEach((u, i) => {
      const owner = owners.get(utteranceKey(u));
      if (owner) throw new FaqValidationError(`utterances.${locale}.${i}`, `"${u}" already trains ${owner}`);
    });
  }
}
