/**
 * A guard against confident nonsense. The neural classifier spreads its whole probability over the known
 * topics, so "量子力学是什么" can come out as a confident `hotlines` on the strength of 是什么 alone. The
 * guard asks whether the message holds at least one *specific* token (one used by few topics) of the hotline's
 * own topics; a message with none is off topic whatever the network says.
 */
import { StemmerEn } from '@nlpjs/basic';
import type { Locale, TopicId } from '../core/types.js';
import type { Corpus } from './corpus.js';
import { foldText, tokenizeZh } from './text.js';

/** A token used by more topics than this (of 27) says nothing about any one of them (tuned on the held-out set). */
const GENERIC_TOPICS: Record<Locale, number> = { zh: 14, en: 14 };

const stemmer = new StemmerEn();

/** Words of the message: Chinese bigrams (single characters are too common to tell topics), English stems. */
export function tokens(text: string, locale: Locale): string[] {
  return locale === 'zh' ? tokenizeZh(text).filter((t) => t.length >= 2) : stemmer.tokenizeAndStem(foldText(text), false);
}

export class Vocabulary {
  private readonly specific: Record<Locale, Set<string>> = { zh: new Set(), en: new Set() };

  constructor(corpus: Corpus) {
    for (const locale of ['zh', 'en'] as const) {
      const topicsOf = new Map<string, Set<TopicId>>();
      for (const [topic, list] of Object.entries(corpus[locale]) as [TopicId, string[]][]) {
        if (topic === 'out_of_scope') continue;
        for (const u of list) for (const t of tokens(u, locale)) (topicsOf.get(t) ?? topicsOf.set(t, new Set()).get(t)!).add(topic);
      }
      for (const [t, topics] of topicsOf) if (topics.size <= GENERIC_TOPICS[locale]) this.specific[locale].add(t);
    }
  }

  /** Whether the message holds a token specific to some hotline topic. */
  inDomain(text: string, locale: Locale): boolean {
    return tokens(text, locale).some((t) => this.specific[locale].has(t));
  }
}
