/**
 * The screening tables, validated with zod at load (an error names the file and field): the taxonomy of signals,
 * the rules that combine concepts into signals, and per language the concepts (word lists), negations, idioms
 * and the traditional-to-simplified table. All data; this file only reads and compiles it.
 */
import { sourceFile } from '../paths.js';
import { z } from 'zod';
import { RISK_LEVELS, type RiskLevel } from '../core/types.js';
import { DataFileError, parseDataFile, readJsonFile } from '../data-file.js';

const level = z.enum(RISK_LEVELS);
const code = z.string().regex(/^[a-z_]+$/, 'a signal code is snake_case');
const concept = z.string().regex(/^[A-Z_]+$/, 'a concept is UPPER_CASE');

const taxonomySchema = z.object({
  about: z.string(),
  signals: z.record(code, z.object({ level, zh: z.string().min(1), en: z.string().min(1) })),
});

export const ASPECTS = ['now', 'recent', 'threatened', 'past'] as const;
/** Checked in this order: a clear time word wins over a verb form ("去年他掐着我" is past, not now). */
export const ASPECT_CONCEPTS: [Aspect, string][] = [
  ['now', 'NOW'],
  ['recent', 'RECENT'],
  ['past', 'PAST'],
  ['now', 'ONGOING'],
  ['threatened', 'THREAT'],
];
export type Aspect = (typeof ASPECTS)[number];

const rulesSchema = z.object({
  about: z.string(),
  rules: z
    .array(
      z.object({
        name: z.string().min(1),
        /** Any of these sets of concepts, all present near each other. */
        when: z.array(z.array(z.string().regex(/^[<>]?[A-Z_]+$/, 'a concept, UPPER_CASE, maybe after < or >')).min(1)).min(1),
        codes: z.object({ default: code, now: code.optional(), recent: code.optional(), threatened: code.optional(), past: code.optional() }),
        /** Told of someone else, a danger to her is a danger to that person (third_party_attack_now when imminent). */
        victim: z.boolean().optional(),
        /** Whose act it is: the nearest person named before it must be this one (her suicide, or his). */
        subject: z.enum(['ME', 'ABUSER']).optional(),
        /** Not when she is the one who does it (the nearest person named before the act is her). */
        notByHer: z.boolean().optional(),
        /** Not when someone other than an abuser does it ("my boss will kill me", "the cat follows me"). */
        byAbuser: z.boolean().optional(),
        /** Not in a hypothetical ("if he ever..."). */
        noHypothetical: z.boolean().optional(),
        /** Decides on its own; otherwise what it found is evidence for the learned model. */
        firm: z.boolean().optional(),
        /** Only counts when an earlier message of the chat was high or imminent ("I'm in the bathroom"). */
        context: z.boolean().optional(),
      }),
    )
    .min(1),
});

const REQUIRED_CONCEPTS = ['ME', 'ABUSER', 'OTHER', 'NOW', 'ONGOING', 'RECENT', 'PAST', 'THREAT', 'HYPO', 'GENERAL', 'LAWQ', 'FICTION'] as const;

const conceptsSchema = z.object({
  locale: z.enum(['zh', 'en']),
  /** How near concepts must be to combine: characters of the normalized text. */
  window: z.number().int().min(1).max(200),
  /** How far back a negation reaches: characters (zh) or words (en). */
  negationWindow: z.number().int().min(1).max(20),
  concepts: z.record(concept, z.array(z.string().min(1)).min(1)),
  negations: z.array(z.string().min(1)),
  notNegations: z.array(z.string().min(1)),
  idioms: z.array(z.string().min(1)),
  /** Pairs of characters, traditional (or dialect) then simplified. */
  traditional: z.string().refine((s) => Array.from(s).length % 2 === 0, 'must hold pairs of characters'),
});

export type Taxonomy = z.infer<typeof taxonomySchema>['signals'];
export type Rule = z.infer<typeof rulesSchema>['rules'][number];

export interface Lexicon {
  locale: 'zh' | 'en';
  window: number;
  negationWindow: number;
  /** One global regex per concept over the normalized text. */
  concepts: Map<string, RegExp>;
  negation: RegExp;
  notNegation: RegExp;
  idioms: string[];
}

const dataFile = (name: string) => sourceFile('safety', name);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A word list as one regex. Chinese terms match anywhere; English ones as whole words, `*` at the end of a term
 * standing for any ending ("kick*" is kicks, kicked, kicking), `re:` for a regex.
 */
function compileTerms(file: string, where: string, locale: 'zh' | 'en', terms: string[]): RegExp {
  const parts = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) => {
      if (t.startsWith('re:')) return t.slice(3);
      const word = escape(t.toLowerCase()).replace(/\\\*$/, '[a-z]*');
      return locale === 'zh' ? word : `(?<![a-z0-9])${word}(?![a-z0-9])`;
    });
  try {
    return new RegExp(parts.join('|'), 'gu');
  } catch (err) {
    throw new DataFileError(`${file}: ${where}: invalid pattern: ${(err as Error).message}`);
  }
}

export function loadConcepts(file: string, knownConcepts: Set<string>): { lexicon: Lexicon; traditional: Map<string, string> } {
  const data = parseDataFile(file, conceptsSchema, readJsonFile(file));
  for (const name of REQUIRED_CONCEPTS) if (!data.concepts[name]) throw new DataFileError(`${file}: concepts.${name}: required`);
  for (const name of knownConcepts) if (!data.concepts[name]) throw new DataFileError(`${file}: concepts.${name}: used by a rule but not defined`);
  const concepts = new Map(Object.entries(data.concepts).map(([name, terms]) => [name, compileTerms(file, `concepts.${name}`, data.locale, terms)]));
  const chars = Array.from(data.traditional);
  const traditional = new Map<string, string>();
  for (let i = 0; i + 1 < chars.length; i += 2) if (chars[i] !== chars[i + 1]) traditional.set(chars[i]!, chars[i + 1]!);
  return {
    lexicon: {
      locale: data.locale,
      window: data.window,
      negationWindow: data.negationWindow,
      concepts,
      negation: compileTerms(file, 'negations', data.locale, data.negations),
      notNegation: compileTerms(file, 'notNegations', data.locale, data.notNegations),
      // Longest first, so that a long idiom is removed before a short one inside it.
      idioms: [...data.idioms].map((i) => i.toLowerCase()).sort((a, b) => b.length - a.length),
    },
    traditional,
  };
}

export function loadRules(file: string, taxonomy: Taxonomy): Rule[] {
  const { rules } = parseDataFile(file, rulesSchema, readJsonFile(file));
  rules.forEach((rule, i) => {
    for (const [aspect, c] of Object.entries(rule.codes)) {
      if (c && !taxonomy[c]) throw new DataFileError(`${file}: rules.${i}.codes.${aspect}: ${c} is not in the taxonomy`);
    }
  });
  return rules;
}

export const FILES = {
  taxonomy: dataFile('taxonomy.json'),
  rules: dataFile('rules.json'),
  zh: dataFile('concepts.zh.json'),
  en: dataFile('concepts.en.json'),
  emoji: dataFile('emoji.json'),
};

export const TAXONOMY: Taxonomy = parseDataFile(FILES.taxonomy, taxonomySchema, readJsonFile(FILES.taxonomy)).signals;
export const RULES = loadRules(FILES.rules, TAXONOMY);
const used = new Set(RULES.flatMap((r) => r.when.flat().map((c) => c.replace(/^[<>]/, ''))));
const zh = loadConcepts(FILES.zh, used);
const en = loadConcepts(FILES.en, used);
export const LEXICONS: Record<'zh' | 'en', Lexicon> = { zh: zh.lexicon, en: en.lexicon };
export const TRADITIONAL = new Map([...zh.traditional, ...en.traditional]);
export const EMOJI = parseDataFile(FILES.emoji, z.record(z.string().min(1), z.string().min(1)), readJsonFile(FILES.emoji));

export const levelOf = (signal: string): RiskLevel => TAXONOMY[signal]?.level ?? 'none';

/** Readable reasons for the signal codes, shown to staff. */
export const SIGNAL_LABELS: Record<string, { zh: string; en: string }> = Object.fromEntries(Object.entries(TAXONOMY).map(([c, t]) => [c, { zh: t.zh, en: t.en }]));
