/** Text preparation for the classifier: locale detection and the Chinese tokenizer. */
import type { Locale } from '../core/types.js';

const HAN = /\p{Script=Han}/u;
const HAN_G = /\p{Script=Han}/gu;
const LATIN_WORD_G = /[a-z]{2,}/gi;

/** Full-width to half-width, compatibility forms folded, lower case. */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Chinese if the message is mainly Han characters; a Chinese sentence with an English word or two
 * ("我想申请protection order") stays Chinese, an English one with a stray character stays English.
 */
export function detectLocale(text: string, fallback: Locale = 'zh'): Locale {
  const han = text.match(HAN_G)?.length ?? 0;
  const words = text.match(LATIN_WORD_G)?.length ?? 0;
  // A lone Latin word ("ok", "app", a typo) says too little to switch language.
  if (han === 0 && words < 2) return fallback;
  return han >= 2 * words || han >= 4 ? 'zh' : 'en';
}

/**
 * Character unigrams and bigrams of the Han text, plus Latin words and numbers whole. Bigrams carry most of
 * the meaning of Chinese words (保护, 护令, 告诫) without a dictionary, and unigrams catch typos that break them.
 */
export function tokenizeZh(text: string): string[] {
  const folded = foldText(text);
  const tokens: string[] = [];
  let previous = '';
  for (const ch of folded) {
    if (HAN.test(ch)) {
      tokens.push(ch);
      if (previous) tokens.push(previous + ch);
      previous = ch;
    } else if (!/\s/u.test(ch)) {
      // Punctuation and other symbols end a run of characters; spaces do not ("保 护 令" is still 保护令).
      previous = '';
    }
  }
  for (const word of folded.match(/[a-z0-9]+/g) ?? []) tokens.push(word);
  return tokens;
}
