/**
 * Two normal forms of a message for matching. Chinese: Han characters, letters and digits only, so that
 * "救 命" and "刀.子" match; clause punctuation becomes a line break that rule gaps do not cross. English:
 * lower-case words without apostrophes ("he's" -> "hes"), one space between, clauses on their own lines.
 */
import { EMOJI, TRADITIONAL } from './lexicon.js';

/** Longer messages are screened by their first and last parts: bounded time, and the end is kept. */
export const SCREEN_HEAD = 20_000;
export const SCREEN_TAIL = 4_000;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;
// ASCII commas and stops end a clause only before a space or the end ("救.命" is one word typed to dodge).
const CLAUSE = /[\n\r\t。！？；!?;…，]+|[,.](?=\s|$)/gu;
const EMOJI_RE = new RegExp([...Object.keys(EMOJI)].map((e) => e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');

export interface Normalized {
  zh: string;
  en: string;
}

export function bound(text: string): string {
  if (text.length <= SCREEN_HEAD + SCREEN_TAIL) return text;
  return `${text.slice(0, SCREEN_HEAD)}\n${text.slice(-SCREEN_TAIL)}`;
}

export function normalize(raw: string): Normalized {
  let text = bound(raw).toWellFormed().replace(CONTROL, '');
  text = text.replace(EMOJI_RE, (e: string) => ` ${EMOJI[e]} `);
  text = text.normalize('NFKC').toLowerCase();
  let simplified = '';
  for (const ch of text) simplified += TRADITIONAL.get(ch) ?? ch;
  const clauses = simplified.replace(/[’‘`´']/g, '').replace(CLAUSE, '\n');
  const zh = clauses
    .replace(/[^\p{Script=Han}a-z0-9\n]+/gu, '')
    .replace(/\n+/g, '\n');
  // English patterns read English: Han characters (and the Chinese half of an emoji's words) become spaces.
  const en = clauses
    .replace(/[^\p{L}\p{N}\n]+|\p{Script=Han}+/gu, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .replace(/ {2,}/g, ' ')
    .trim();
  return { zh, en };
}
