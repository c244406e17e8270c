/** The screening tables: lexicons per language, emoji and signal labels, validated with zod at load. */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RISK_LEVELS } from '../core/types.js';
import { DataFileError, parseDataFile, readJsonFile } from '../data-file.js';

const level = z.enum(RISK_LEVELS);
const code = z.string().regex(/^[a-z_]+$/, 'a signal code is snake_case');

const lexiconSchema = z.object({
  locale: z.enum(['zh', 'en']),
  macros: z.record(z.string().regex(/^[A-Z]+$/), z.string().min(1)),
  rules: z
    .array(
      z.object({
        code,
        level: level.exclude(['none']),
        pastLevel: level.exclude(['none']).optional(),
        pastCode: code.optional(),
        /** The level when the same clause says it is happening now ("他现在说要杀了我"). */
        nowLevel: level.exclude(['none']).optional(),
        nowCode: code.optional(),
        patterns: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1),
  negations: z.array(z.string().min(1)),
  notNegations: z.array(z.string().min(1)),
  idioms: z.array(z.string().min(1)),
  pastMarkers: z.array(z.string().min(1)),
  nowMarkers: z.array(z.string().min(1)),
  fictionMarkers: z.array(z.string().min(1)),
  questionPrefixes: z.array(z.string().min(1)),
  generalQuestion: z.array(z.string().min(1)),
  escalationWords: z.array(z.string().min(1)),
  /** Pairs of characters, traditional then simplified. */
  traditional: z.string().refine((s) => Array.from(s).length % 2 === 0, 'must hold pairs of characters'),
});

export type LexiconFile = z.infer<typeof lexiconSchema>;

export interface CompiledRule {
  code: string;
  level: Exclude<z.infer<typeof level>, 'none'>;
  pastLevel?: Exclude<z.infer<typeof level>, 'none'> | undefined;
  pastCode?: string | undefined;
  nowLevel?: Exclude<z.infer<typeof level>, 'none'> | undefined;
  nowCode?: string | undefined;
  patterns: RegExp[];
}

export interface Lexicon {
  locale: 'zh' | 'en';
  rules: CompiledRule[];
  negations: string[];
  notNegations: string[];
  idioms: string[];
  pastMarkers: string[];
  nowMarkers: string[];
  fictionMarkers: string[];
  questionPrefixes: string[];
  generalQuestion: RegExp[];
  escalationWords: string[];
}

const labelSchema = z.record(code, z.object({ zh: z.string().min(1), en: z.string().min(1) }));
const emojiSchema = z.record(z.string().min(1), z.string().min(1));

function dataFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

function compile(file: string, source: string, where: string, macros: Record<string, string>, flags: string): RegExp {
  const expanded = source.replace(/\{([A-Z]+)\}/g, (_m, name: string) => {
    const macro = macros[name];
    if (macro === undefined) throw new DataFileError(`${file}: ${where}: unknown macro {${name}}`);
    return macro;
  });
  try {
    return new RegExp(expanded, flags);
  } catch (err) {
    throw new DataFileError(`${file}: ${where}: invalid pattern: ${(err as Error).message}`);
  }
}

export function loadLexicon(file: string): { lexicon: Lexicon; traditional: Map<string, string> } {
  const data = parseDataFile(file, lexiconSchema, readJsonFile(file));
  const rules = data.rules.map((rule, i) => ({
    code: rule.code,
    level: rule.level,
    pastLevel: rule.pastLevel,
    pastCode: rule.pastCode,
    nowLevel: rule.nowLevel,
    nowCode: rule.nowCode,
    // Each pattern is checked on its own (for an error that names it), then all run as one alternation:
    // one scan per rule instead of one per pattern.
    patterns: [
      new RegExp(
        rule.patterns.map((p, j) => `(?:${compile(file, p, `rules.${i}.patterns.${j}`, data.macros, 'u').source})`).join('|'),
        'gu',
      ),
    ],
  }));
  const generalQuestion = data.generalQuestion.map((p, j) => compile(file, p, `generalQuestion.${j}`, data.macros, 'u'));
  const chars = Array.from(data.traditional);
  const traditional = new Map<string, string>();
  for (let i = 0; i + 1 < chars.length; i += 2) if (chars[i] !== chars[i + 1]) traditional.set(chars[i]!, chars[i + 1]!);
  return {
    lexicon: { ...data, rules, generalQuestion },
    traditional,
  };
}

export const LEXICON_FILES = { zh: dataFile('./lexicon.zh.json'), en: dataFile('./lexicon.en.json') };

const zh = loadLexicon(LEXICON_FILES.zh);
const en = loadLexicon(LEXICON_FILES.en);

export const LEXICONS: Record<'zh' | 'en', Lexicon> = { zh: zh.lexicon, en: en.lexicon };
export const TRADITIONAL = new Map([...zh.traditional, ...en.traditional]);
export const EMOJI = parseDataFile(dataFile('./emoji.json'), emojiSchema, readJsonFile(dataFile('./emoji.json')));
/** Readable reasons for the signal codes, shown to staff. */
export const SIGNAL_LABELS = parseDataFile(
  dataFile('./signal-labels.json'),
  labelSchema,
  readJsonFile(dataFile('./signal-labels.json')),
);
