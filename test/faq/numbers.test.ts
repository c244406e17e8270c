/**
 * 12110 is the police's SMS number only with the last three digits of the area code appended (law fact sheet:
 * Beijing 12110010), and only where the local police offer it. A text that tells her to "text 12110" alone sends
 * her cry for help nowhere: every FAQ answer and every bot line that names it must say how it is used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

function strings(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${path}.${k}`, out);
  return out;
}

const files = [
  ...readdirSync(resolve(PROJECT_ROOT, 'faq')).filter((f) => f.endsWith('.json')).map((f) => `faq/${f}`),
  'replies/bot.json',
];
// The texts she reads (a file's `sources` cite the fact sheet), and the widget's own words for when it is cut off.
const widget = readFileSync(resolve(PROJECT_ROOT, 'src/channels/widget/widget.js'), 'utf8');
const widgetTexts = [...widget.matchAll(/failed: '([^']*)'/g)].map((m, i): [string, string] => [`widget.js failed[${i}]`, m[1]!]);
const mentions = [...files.flatMap((f) => strings(JSON.parse(readFileSync(resolve(PROJECT_ROOT, f), 'utf8')), f, [])), ...widgetTexts]
  .filter(([path, text]) => !path.includes('.sources') && /12110(?!\d)/.test(text));

describe('12110, wherever the bot names it', () => {
  it('is named in the FAQ and in the emergency words', () => {
    expect(mentions.some(([p]) => p.startsWith('faq/'))).toBe(true);
    expect(mentions.some(([p]) => p.startsWith('replies/bot.json.texts.emergency'))).toBe(true);
    expect(mentions.filter(([p]) => p.startsWith('widget.js'))).toHaveLength(2);
  });

  it('comes with the area code digits and the way to send it, in both languages', () => {
    const wrong = mentions.filter(([, text]) => {
      if (/\p{Script=Han}/u.test(text)) return !(/短信/.test(text) && /区号/.test(text) && /后三位/.test(text));
      return !(/\btext\b/i.test(text) && /last three digits/i.test(text) && /area code/i.test(text));
    });
    expect(wrong.map(([p]) => p)).toEqual([]);
  });
});
