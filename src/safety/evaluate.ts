/**
 * Screening measured on a labelled set: recall by level, exact imminent, false alarms on harmless messages, and
 * for multi-turn dialogs whether an emergency was reached. The test suite and `cli risk eval` print the same.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RISK_LEVELS, riskRank, type RiskLevel, type Screening } from '../core/types.js';
import { DataFileError } from '../data-file.js';
import { firstIssue } from '../first-issue.js';

const message = z.object({ text: z.string().min(1), lang: z.enum(['zh', 'en']), level: z.enum(RISK_LEVELS) }).loose();
const dialog = z
  .object({ id: z.string(), lang: z.enum(['zh', 'en']), kind: z.string(), turns: z.array(z.string().min(1)).min(1), emergency: z.boolean() })
  .loose();

export type LabelledMessage = z.infer<typeof message>;
export type LabelledDialog = z.infer<typeof dialog>;

function readLines<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw new DataFileError(`${file}: line ${i + 1}: not valid JSON`);
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const { field, message: m } = firstIssue(parsed.error, '(root)');
        throw new DataFileError(`${file}: line ${i + 1}: ${field}: ${m}`);
      }
      return parsed.data;
    });
}

export const readMessages = (file: string) => readLines(file, message);
export const readDialogs = (file: string) => readLines(file, dialog);

export interface Figures {
  n: number;
  /** Imminent messages screened high or above, and imminent exactly. */
  imminentAtLeastHigh: number;
  imminentExact: number;
  /** High-or-above messages screened high or above. */
  severeAtLeastHigh: number;
  /** Harmless messages screened high or above, and elevated or above. */
  harmlessHigh: number;
  harmlessElevated: number;
  /** Elevated messages screened elevated or above. */
  elevatedRecall: number;
  byLevel: Record<RiskLevel, { n: number; exact: number; atLeast: number }>;
  misses: { level: RiskLevel; got: RiskLevel; text: string }[];
}

const pct = (n: number, d: number) => (d ? (100 * n) / d : 100);

export function measure(rows: LabelledMessage[], screen: (text: string) => Screening): Figures {
  const results = rows.map((r) => ({ ...r, got: screen(r.text).level }));
  const of = (level: RiskLevel) => results.filter((r) => r.level === level);
  const byLevel = Object.fromEntries(
    RISK_LEVELS.map((l) => [l, { n: of(l).length, exact: of(l).filter((r) => r.got === l).length, atLeast: of(l).filter((r) => riskRank(r.got) >= riskRank(l)).length }]),
  ) as Figures['byLevel'];
  const severe = results.filter((r) => riskRank(r.level) >= riskRank('high'));
  const harmless = of('none');
  return {
    n: rows.length,
    imminentAtLeastHigh: pct(of('imminent').filter((r) => riskRank(r.got) >= riskRank('high')).length, of('imminent').length),
    imminentExact: pct(byLevel.imminent.exact, byLevel.imminent.n),
    severeAtLeastHigh: pct(severe.filter((r) => riskRank(r.got) >= riskRank('high')).length, severe.length),
    harmlessHigh: pct(harmless.filter((r) => riskRank(r.got) >= riskRank('high')).length, harmless.length),
    harmlessElevated: pct(harmless.filter((r) => riskRank(r.got) >= riskRank('elevated')).length, harmless.length),
    elevatedRecall: pct(byLevel.elevated.atLeast, byLevel.elevated.n),
    byLevel,
    misses: results.filter((r) => (r.level === 'none' ? r.got !== 'none' : riskRank(r.got) < riskRank(r.level) || (r.level === 'imminent' && r.got !== 'imminent'))).map((r) => ({ level: r.level, got: r.got, text: r.text })),
  };
}

/** Each dialog screened turn by turn as the bot does; an emergency is reached when a turn screens imminent. */
export function measureDialogs(dialogs: LabelledDialog[], screenTurn: (text: string, previous: Screening[]) => Screening): { emergencies: number; reached: number; falseEmergencies: number; calm: number; missed: string[] } {
  let reached = 0;
  let falseEmergencies = 0;
  const missed: string[] = [];
  for (const d of dialogs) {
    const previous: Screening[] = [];
    let emergency = false;
    for (const text of d.turns) {
      const s = screenTurn(text, previous);
      previous.push(s);
      if (s.level === 'imminent') emergency = true;
    }
    if (d.emergency && emergency) reached++;
    if (d.emergency && !emergency) missed.push(d.id);
    if (!d.emergency && emergency) falseEmergencies++;
  }
  return { emergencies: dialogs.filter((d) => d.emergency).length, reached, falseEmergencies, calm: dialogs.filter((d) => !d.emergency).length, missed };
}

export function describeFigures(name: string, f: Figures): string {
  const lv = RISK_LEVELS.map((l) => `${l} ${f.byLevel[l].n}`).join(', ');
  return (
    `${name} (n=${f.n}: ${lv}): imminent >= high ${f.imminentAtLeastHigh.toFixed(1)}%, imminent exact ${f.imminentExact.toFixed(1)}%, ` +
    `high-or-above >= high ${f.severeAtLeastHigh.toFixed(1)}%, elevated >= elevated ${f.elevatedRecall.toFixed(1)}%, ` +
    `harmless high ${f.harmlessHigh.toFixed(1)}%, harmless elevated ${f.harmlessElevated.toFixed(1)}%`
  );
}
