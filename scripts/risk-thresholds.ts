/**
 * Choosing the risk model's thresholds on the tuning set (held-out set A), recall first:
 * `npx tsx scripts/risk-thresholds.ts [--misses N]`. Trains the model on the corpus as the build does, then tries every
 * combination on a grid and prints the best few that meet the targets of issue 13 on set A (recall first), by
 * false alarms. It writes nothing: copy the chosen figures to
 * risk/thresholds.json with the figures in its "about". Never run it on a sealed set.
 */
import { join } from 'node:path';
import { riskRank, type RiskLevel, type Screening } from '../src/core/types.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { buildRiskModel, readThresholds } from '../src/safety/build.js';
import { measure, measureDialogs, readDialogs, readMessages, type Figures } from '../src/safety/evaluate.js';
import { featureIndices, levelFrom, probabilities, type Thresholds } from '../src/safety/model.js';
import { analyze } from '../src/safety/screen.js';
import { Screener } from '../src/safety/screener.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const TUNING = join(PROJECT_ROOT, 'test/safety/heldout/set-a.jsonl');
const TUNING_DIALOGS = join(PROJECT_ROOT, 'test/safety/heldout/dialogs-a.jsonl');

say('training the risk model on the corpus (as the build does) ...');
const model = buildRiskModel(PROJECT_ROOT);

/** Per message: the firm rules' level and the model's three probabilities, computed once. */
const seen = new Map<string, { firm: RiskLevel; p: number[] }>();
function scored(text: string): { firm: RiskLevel; p: number[] } {
  let found = seen.get(text);
  if (!found) {
    const a = analyze(text);
    found = { firm: a.firm.level, p: [...probabilities(model, featureIndices(a.zh, a.en, a.tokens))] };
    seen.set(text, found);
  }
  return found;
}

/** The level the service's Screener gives with these thresholds (the higher of the firm rules and the model). */
function screenWith(t: Thresholds) {
  return (text: string): Screening => {
    const { firm, p } = scored(text);
    const level = levelFrom(p, t);
    return { level: riskRank(level) > riskRank(firm) ? level : firm, signals: [] };
  };
}

/** Dialogs through the service's own Screener, turn by turn as the bot screens them. */
function dialogsWith(t: Thresholds) {
  const screener = new Screener({ ...model, thresholds: t });
  return measureDialogs(dialogs, (text, previous) =>
    screener.screenMessage(text, { inDanger: previous.length > 0 && riskRank(screener.screenConversation(previous).level) >= riskRank('high') }),
  );
}

const rows = readMessages(TUNING);
const dialogs = readDialogs(TUNING_DIALOGS);
const line = (t: Thresholds, f: Figures, d = dialogsWith(t)) => {
  return `${t.imminent.toFixed(3).padStart(7)} ${t.high.toFixed(3).padStart(5)} ${t.elevated.toFixed(2).padStart(8)}  | ${f.imminentAtLeastHigh.toFixed(1).padStart(8)}% ${f.imminentExact.toFixed(1).padStart(9)}% ${f.severeAtLeastHigh.toFixed(1).padStart(5)}% ${f.harmlessHigh.toFixed(1).padStart(13)}% ${f.harmlessElevated.toFixed(1).padStart(13)}% | ${d.reached}/${d.emergencies}, ${d.falseEmergencies}/${d.calm}`;
};
const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toFixed(3)));
const found: { t: Thresholds; f: Figures }[] = [];
for (const imminent of grid(0.05, 0.7, 0.025))
  for (const high of grid(0.1, 0.8, 0.025))
    for (const elevated of grid(0.2, 0.9, 0.05)) {
      const t = { imminent, high, elevated };
      found.push({ t, f: measure(rows, screenWith(t)) });
    }

// The targets as constraints, recall first: imminent messages screened high or above at the best share
// reachable, imminent exactly >= 95%, high or above >= 97%, every emergency dialog reaching the emergency; among
// those, the fewest harmless messages screened high, then elevated, then the fewest false emergencies.
// `--misses N` lets N imminent messages of set A fall below high (one hard message can cost many false alarms).
const misses = Number(process.argv[process.argv.indexOf('--misses') + 1] ?? 0) || 0;
const levelsReached = [...new Set(found.map((c) => c.f.imminentAtLeastHigh))].sort((a, b) => b - a);
const best = levelsReached[Math.min(misses, levelsReached.length - 1)]!;
const candidates = found
  .filter((c) => c.f.imminentAtLeastHigh >= best && c.f.imminentExact >= 95 && c.f.severeAtLeastHigh >= 97)
  .sort((a, b) => a.f.harmlessHigh - b.f.harmlessHigh || a.f.harmlessElevated - b.f.harmlessElevated || b.f.imminentExact - a.f.imminentExact);
say(`set A, ${rows.length} messages; ${candidates.length} of ${found.length} threshold sets meet the message constraints`);
say('imminent  high  elevated | imm>=high  imm exact  high+  harmless high  harmless elev | dialogs reached, false emergencies');
const shown: string[] = [];
for (const { t, f } of candidates) {
  const d = dialogsWith(t);
  if (d.reached < d.emergencies) continue;
  shown.push(line(t, f, d));
  if (shown.length === 10) break;
}
for (const l of shown) say(l);
if (!shown.length) say('(none also reaches every emergency dialog)');
const now = readThresholds(PROJECT_ROOT);
say('risk/thresholds.json now:');
say(line(now, measure(rows, screenWith(now))));
