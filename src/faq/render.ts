/** Turns an FAQ entry into what the user sees: the answer, its legal basis, the review date, the note. */
import type { Locale, TopicId } from '../core/types.js';
import type { FaqEntry, FaqSet } from './schema.js';

export interface Button {
  title: string;
  /** The text sent back when tapped; recognised exactly, without the classifier. */
  value: string;
}

export interface RenderedAnswer {
  text: string;
  buttons: Button[];
}

/** The framing of every FAQ answer: its legal basis, the general-information note, the review date. */
const WORDING: Record<Locale, { basis: string; reviewed: string; generalInfo: string }> = {
  zh: { basis: '依据：', reviewed: '更新于 ', generalInfo: '以上是一般性信息，不是针对你个人情况的法律意见。' },
  en: { basis: 'Based on: ', reviewed: 'Last reviewed ', generalInfo: 'This is general information, not legal advice for your case.' },
};

export function topicButton(faq: FaqSet, topic: TopicId, locale: Locale): Button {
  const title = faq[topic][locale].title;
  return { title, value: title };
}

export function renderAnswer(faq: FaqSet, entry: FaqEntry, locale: Locale): RenderedAnswer {
  const wording = WORDING[locale];
  const body = entry[locale];
  const lines = [body.text];
  if (body.cites.length) {
    const separator = locale === 'zh' ? '；' : '; ';
    lines.push(`${wording.basis}${body.cites.join(separator)}`);
    lines.push(`${wording.generalInfo}${locale === 'zh' ? '' : ' '}${wording.reviewed}${entry.lastReviewed}`);
  }
  return {
    text: lines.join('\n\n'),
    buttons: entry.followUps.map((t) => topicButton(faq, t, locale)),
  };
}

const indexes = new WeakMap<FaqSet, Map<string, TopicId>>();

/**
 * Button text -> topic, in both locales, so that a tapped button never depends on the classifier. Built once
 * per set of answers (a new set, after an edit, gets its own).
 */
export function buttonIndex(faq: FaqSet): Map<string, TopicId> {
  const cached = indexes.get(faq);
  if (cached) return cached;
  const index = new Map<string, TopicId>();
  for (const entry of Object.values(faq)) {
    index.set(entry.zh.title, entry.intent);
    index.set(entry.en.title, entry.intent);
  }
  indexes.set(faq, index);
  return index;
}
