/**
 * Lists staff edit in the console like the FAQ, with versions, who and when: the referral directory (the
 * federation's partners, `referrals/`) and the staff's own reply snippets. The file is the seed (version 0); every
 * save is a new version in the store, compare-and-set on the version the admin started from.
 */
import { z } from 'zod';
import { parseDataFile, readJsonFile } from '../data-file.js';
import { firstIssue } from '../first-issue.js';
import type { FaqHistory, StoredVersion } from './catalog.js';

export const REFERRAL_KINDS = ['police', 'court', 'shelter', 'legal_aid', 'counselling', 'hospital', 'federation'] as const;

const bilingual = z.object({ zh: z.string().trim().min(1, 'required').max(200), en: z.string().trim().min(1, 'required').max(300) });

export const referralSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,60}$/, 'lower-case letters, digits and - only'),
  kind: z.enum(REFERRAL_KINDS),
  district: z.string().trim().min(1, 'required').max(50),
  name: bilingual,
  phone: z.string().trim().min(3, 'required').max(50),
  hours: z.string().trim().min(1, 'required').max(100),
  notes: z.object({ zh: z.string().max(300).optional(), en: z.string().max(500).optional() }).optional(),
});
export type Referral = z.infer<typeof referralSchema>;

export const snippetSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,60}$/, 'lower-case letters, digits and - only'),
  title: z.string().trim().min(1, 'required').max(40),
  zh: z.string().trim().min(1, 'required').max(2000),
  en: z.string().trim().min(1, 'required').max(3000),
});
export type Snippet = z.infer<typeof snippetSchema>;

function unique<T extends { id: string }>(items: T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `${item.id} is used twice` });
    seen.add(item.id);
  });
}

export const referralsFileSchema = z.object({
  example: z.boolean(),
  note: z.string(),
  lastReviewed: z.iso.date('must be a date like 2026-11-25'),
  entries: z.array(referralSchema).superRefine(unique),
});

export const referralListSchema = z.array(referralSchema).max(500).superRefine(unique);
export const snippetListSchema = z.array(snippetSchema).max(200).superRefine(unique);

export class DirectoryConflictError extends Error {
  override name = 'DirectoryConflictError';
}

export class DirectoryValidationError extends Error {
  override name = 'DirectoryValidationError';
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

export interface DirectoryView<T> {
  version: number;
  items: T[];
  at: number | null;
  author: string;
}

/** A versioned list kept in the store under one key. */
export class VersionedList<T> {
  constructor(
    private readonly history: Pick<FaqHistory, 'getFaqHead' | 'listFaqVersions' | 'appendFaqVersion'>,
    private readonly key: string,
    private readonly schema: z.ZodType<T[]>,
    private readonly seed: T[],
  ) {}

  private view(v: StoredVersion): DirectoryView<T> {
    return { version: v.version, items: this.schema.parse((v.doc as { items: unknown }).items), at: v.at, author: v.author };
  }

  async current(): Promise<DirectoryView<T>> {
    const head = await this.history.getFaqHead(this.key);
    return head ? this.view(head) : { version: 0, items: this.seed, at: null, author: 'seed file' };
  }

  async versions(): Promise<DirectoryView<T>[]> {
    const stored = (await this.history.listFaqVersions(this.key)).map((v) => this.view(v)).sort((a, b) => b.version - a.version);
    return [...stored, { version: 0, items: this.seed, at: null, author: 'seed file' }];
  }

  async save(baseVersion: number, items: unknown, author: string, at: number): Promise<DirectoryView<T>> {
    const parsed = this.schema.safeParse(items);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error, 'items');
      throw new DirectoryValidationError(`items.${field}`, message);
    }
    const outcome = await this.history.appendFaqVersion(this.key, baseVersion, { doc: { items: parsed.data }, at, author });
    if (outcome === 'conflict') throw new DirectoryConflictError(`someone saved a newer version than ${baseVersion}`);
    return { version: baseVersion + 1, items: parsed.data, at, author };
  }
}

export function loadReferrals(file: string): z.infer<typeof referralsFileSchema> {
  return parseDataFile(file, referralsFileSchema, readJsonFile(file));
}

/** A referral as she reads it, in her language. */
export function referralText(r: Referral, locale: 'zh' | 'en'): string {
  const notes = r.notes?.[locale];
  return [r.name[locale], `${locale === 'zh' ? '电话' : 'Phone'}: ${r.phone}`, `${locale === 'zh' ? '时间' : 'Hours'}: ${r.hours}`, notes].filter(Boolean).join('\n');
}
