/**
 * Screening against the labelled evaluation set (test/safety/eval-set.jsonl): prints recall per level and
 * the false-alarm rate, and holds the targets: no imminent message below high, >= 95% imminent exactly,
 * >= 97% of high and imminent at high or above, <= 3% false alarms on harmless messages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RISK_LEVELS, riskRank } from '../../src/core/types.js';
import { screenMessage } from '../../src/safety/screen.js';

const row = z.object({
  text: z.string().min(1),
  lang: z.enum(['zh', 'en']),
  level: z.enum(RISK_LEVELS),
  kind: z.enum(['disclosure', 'hard_negative', 'general_question', 'second_hand']),
});

const rows = readFileSync(new URL('./eval-set.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line, i) => {
    const parsed = row.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`eval-set.jsonl line ${i + 1}: ${parsed.error.issues[0]!.message}`);
    return parsed.data;
  });

const results = rows.map((r) => ({ ...r, got: screenMessage(r.text).level }));
const pct = (n: number, d: number) => (d ? (100 * n) / d : 100);

describe('danger screening on the evaluation set', () => {
  it('is large enough and covers both languages and hard negatives', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(rows.filter((r) => r.level === 'none' && r.kind !== 'disclosure').length).toBeGreaterThanOrEqual(100);
    for (const lang of ['zh', 'en'] as const) for (const level of RISK_LEVELS) expect(rows.some((r) => r.lang === lang && r.level === level)).toBe(true);
  });

  it('meets the recall and false-alarm targets', () => {
    const lines: string[] = [];
    for (const level of RISK_LEVELS) {
      const of = results.filter((r) => r.level === level);
      const exact = of.filter((r) => r.got === level).length;
      const atLeast = of.filter((r) => riskRank(r.got) >= riskRank(level)).length;
      lines.push(`${level.padEnd(9)} n=${String(of.length).padStart(3)}  exact ${pct(exact, of.length).toFixed(1)}%  at or above ${pct(atLeast, of.length).toFixed(1)}%`);
    }
    const imminent = results.filter((r) => r.level === 'imminent');
    const severe = results.filter((r) => riskRank(r.level) >= riskRank('high'));
    const harmless = results.filter((r) => r.level === 'none');
    const falseAlarms = harmless.filter((r) => riskRank(r.got) >= riskRank('high'));
    const anySignal = harmless.filter((r) => r.got !== 'none');
    const below = imminent.filter((r) => riskRank(r.got) < riskRank('high'));
    lines.push(`imminent below high: ${below.length}`);
    lines.push(`high-or-above recall: ${pct(severe.filter((r) => riskRank(r.got) >= riskRank('high')).length, severe.length).toFixed(1)}%`);
    lines.push(`false alarms (harmless screened high or imminent): ${pct(falseAlarms.length, harmless.length).toFixed(1)}%; any signal on harmless: ${pct(anySignal.length, harmless.length).toFixed(1)}%`);
    process.stdout.write(`\n${lines.join('\n')}\n`);
    const misses = results.filter((r) => (r.level === 'none' ? r.got !== 'none' : riskRank(r.got) < riskRank(r.level)));
    if (misses.length) process.stdout.write(`${misses.map((m) => `  ${m.level} -> ${m.got}: ${m.text}`).join('\n')}\n`);

    expect(below.map((r) => r.text)).toEqual([]);
    expect(pct(imminent.filter((r) => r.got === 'imminent').length, imminent.length)).toBeGreaterThanOrEqual(95);
    expect(pct(severe.filter((r) => riskRank(r.got) >= riskRank('high')).length, severe.length)).toBeGreaterThanOrEqual(97);
    expect(pct(falseAlarms.length, harmless.length)).toBeLessThanOrEqual(3);
  });
});
