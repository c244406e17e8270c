/**
 * A guard against confident nonsense. The neural classifier spreads its whole probability over the known
 * topics, so "量子力学是什么" can come out as a confident `hotlines` on the strength of 是什么 alone. The
 * guard asks whether the message holds at least one *specific* token (one used by few topics) of the hotline's
 * own topics; a message with none is off topic whatever the network says.
 */
import { ForgetfulStemmerEn } from './stemmer.js';
import type { Locale, TopicId } from '../core/types.js';
import type { Corpus } from './corpus.js';
import { foldText, tokenizeZh } from './text.js';

/** A token used by more topics than this (of 27) says nothing about any one of them (tuned on the held-out sets). */
const GENERIC_TOPICS: Record<Locale, number> = { zh: 14, en: 14 };
/**
 * A topic uses a token when at least this share of its utterances hold it: a story that mentions a protection
 * order once does not make "order" a word of the custody topic (tuned on the held-out sets).
 */
const SHARE = 0.02;

const stemmer = new ForgetfulStemmerEn();

/** Words of the message: Chinese bigrams (single characters are too common to tell topics), English stems. */
export function tokens(text: string, locale: Locale): string[] {
  return locale === 'zh' ? tokenizeZh(text).filter((t) => t.length >= 2) : stemmer.tokenizeAndStem(foldText(text), false);
}

/** The specific tokens per locale, as the model file keeps them. */
export type VocabularyJson = Record<Locale, string[]>;

export class Vocabulary {
  private constructor(private readonly specific: Record<Locale, Set<string>>) {}

  static fromCorpus(corpus: Corpus): Vocabulary {
    const specific: Record<Locale, Set<string>> = { zh: new Set(), en: new Set() };
    for (const locale of ['zh', 'en'] as const) {
      const usedBy = new Map<string, number>();
      for (const [topic, list] of Object.entries(corpus[locale]) as [TopicId, string[]][]) {
        if (topic === 'out_of_scope') continue;
        const df = new Map<string, number>();
        for (const u of list) for (const t of new Set(tokens(u, locale))) df.set(t, (df.get(t) ?? 0) + 1);
        for (const [t, n] of df) usedBy.set(t, (usedBy.get(t) ?? 0) + (n >= SHARE * list.length ? 1 : 0));
      }
      for (const [t, topics] of usedBy) if (topics <= GENERIC_TOPICS[locale]) specific[locale].add(t);
    }
    return new Vocabulary(specific);
  }

  static fromJSON(json: VocabularyJson): Vocabulary {
    return new Vocabulary({ zh: new Set(json.zh), en: new Set(json.en) });
  }

  toJSON(): VocabularyJson {
    return { zh: [...this.specific.zh], en: [...this.specific.en] };
  }

  /** Whether the message holds a token specific to some hotline topic. */
  inDomain(text: string, locale: Locale): boolean {
    return tokens(text, locale).some((t) => this.specific[locale].has(t));
  }
}
