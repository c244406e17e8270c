/**
 * Screening measured on labelled messages and dialogs written by people who never saw the rules:
 *  - held-out set A (test/safety/heldout/set-a.jsonl, dialogs-a.jsonl): used to choose the model's thresholds;
 *    the test holds the floors below on it;
 *  - held-out set B (set-b.sealed.jsonl, dialogs-b.sealed.jsonl): sealed, only printed, never tuned on;
 *  - held-out set C (set-c.sealed.jsonl, dialogs-c.sealed.jsonl): written on 2026-12-05 by a writer who saw only the
 *    taxonomy; B and C decided between three settings that day (README, "Danger screening"), never tuned on;
 *  - the first session's own set (eval-set.jsonl), written with the rules: printed for comparison only.
 * The targets are printed beside the figures; where a floor is below its target, the target is not met.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { riskRank } from '../../src/core/types.js';
import { describeFigures, measure, measureDialogs, readDialogs, readMessages, type Figures } from '../../src/safety/evaluate.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { serviceScreener } from '../support/screener.js';

const screener = serviceScreener();
const here = (f: string) => resolve(PROJECT_ROOT, 'test/safety', f);

const TARGETS = { imminentAtLeastHigh: 100, imminentExact: 95, severeAtLeastHigh: 97, harmlessHigh: 2, harmlessElevated: 5 };
/** What set A holds today (a point or so below its measured figures); raise these as screening improves. */
const FLOORS_A = { imminentAtLeastHigh: 98, imminentExact: 97, severeAtLeastHigh: 97, harmlessHigh: 6, harmlessElevated: 7 };

function screenDialogTurn(text: string, previous: ReturnType<typeof screener.screenMessage>[]) {
  const inDanger = previous.length > 0 && riskRank(screener.screenConversation(previous).level) >= riskRank('high');
  return screener.screenMessage(text, { inDanger });
}

function targetLine(f: Figures): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `imminent >= high ${f.imminentAtLeastHigh.toFixed(1)}% (target ${TARGETS.imminentAtLeastHigh}%: ${met(f.imminentAtLeastHigh >= TARGETS.imminentAtLeastHigh)})`,
    `imminent exact ${f.imminentExact.toFixed(1)}% (>= ${TARGETS.imminentExact}%: ${met(f.imminentExact >= TARGETS.imminentExact)})`,
    `high or above ${f.severeAtLeastHigh.toFixed(1)}% (>= ${TARGETS.severeAtLeastHigh}%: ${met(f.severeAtLeastHigh >= TARGETS.severeAtLeastHigh)})`,
    `harmless high ${f.harmlessHigh.toFixed(1)}% (<= ${TARGETS.harmlessHigh}%: ${met(f.harmlessHigh <= TARGETS.harmlessHigh)})`,
    `harmless elevated ${f.harmlessElevated.toFixed(1)}% (<= ${TARGETS.harmlessElevated}%: ${met(f.harmlessElevated <= TARGETS.harmlessElevated)})`,
  ].join('; ');
}

describe('danger screening measured on sets written apart from it', () => {
  it('holds its floors on held-out set A, and prints every set with the targets', () => {
    const lines: string[] = [];
    const sets: [string, string][] = [
      ['set A (thresholds chosen on it)', 'heldout/set-a.jsonl'],
      ['set B (sealed)', 'heldout/set-b.sealed.jsonl'],
      ['set C (sealed)', 'heldout/set-c.sealed.jsonl'],
      ['first eval set (written with the old rules)', 'eval-set.jsonl'],
    ];
    let a: Figures | undefined;
    for (const [name, file] of sets) {
      const rows = readMessages(here(file));
      const all = measure(rows, (t) => screener.screenMessage(t));
      if (file.includes('set-a')) a = all;
      lines.push(`${name}: ${targetLine(all)}`);
      for (const lang of ['zh', 'en'] as const) lines.push(`  ${describeFigures(lang, measure(rows.filter((r) => r.lang === lang), (t) => screener.screenMessage(t)))}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
    expect(a!.imminentAtLeastHigh).toBeGreaterThanOrEqual(FLOORS_A.imminentAtLeastHigh);
    expect(a!.imminentExact).toBeGreaterThanOrEqual(FLOORS_A.imminentExact);
    expect(a!.severeAtLeastHigh).toBeGreaterThanOrEqual(FLOORS_A.severeAtLeastHigh);
    expect(a!.harmlessHigh).toBeLessThanOrEqual(FLOORS_A.harmlessHigh);
    expect(a!.harmlessElevated).toBeLessThanOrEqual(FLOORS_A.harmlessElevated);
  });

  it('reaches the emergency in every dialog of set A that turns into one, and prints sets B and C', () => {
    const a = measureDialogs(readDialogs(here('heldout/dialogs-a.jsonl')), screenDialogTurn);
    const b = measureDialogs(readDialogs(here('heldout/dialogs-b.sealed.jsonl')), screenDialogTurn);
    const c = measureDialogs(readDialogs(here('heldout/dialogs-c.sealed.jsonl')), screenDialogTurn);
    process.stdout.write(
      `\ndialogs A: emergency reached in ${a.reached} of ${a.emergencies}; emergencies in calm dialogs ${a.falseEmergencies} of ${a.calm}\n` +
        `dialogs B (sealed): emergency reached in ${b.reached} of ${b.emergencies}; emergencies in calm dialogs ${b.falseEmergencies} of ${b.calm}\n` +
        `dialogs C (sealed): emergency reached in ${c.reached} of ${c.emergencies}; emergencies in calm dialogs ${c.falseEmergencies} of ${c.calm}\n`,
    );
    expect(a.missed).toEqual([]);
  });
});
