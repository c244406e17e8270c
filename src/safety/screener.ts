/**
 * Screening as the service runs it: the firm rules, and the learned model, which may only raise their level.
 * Without a model (none built, or it failed to load) the rules run alone. Never throws.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { riskRank, type Screening } from '../core/types.js';
import { FILES } from './lexicon.js';
import { deserialize, featureIndices, hashOf, levelFrom, probabilities, type RiskModel } from './model.js';
import { analyze, screenConversation, type ScreenOptions } from './screen.js';

const NONE: Screening = { level: 'none', signals: [] };

export class Screener {
  constructor(readonly model?: RiskModel) {}

  /** One message's level and the codes of the signals that fired. */
  screenMessage(text: string, options: ScreenOptions = {}): Screening {
    try {
      if (typeof text !== 'string' || !text) return NONE;
      const analysis = analyze(text, options);
      if (!this.model) return analysis.rules;
      const p = probabilities(this.model, featureIndices(analysis.zh, analysis.en, analysis.tokens));
      const level = levelFrom(p, this.model.thresholds);
      const firm = analysis.firm;
      if (riskRank(level) <= riskRank(firm.level)) return firm;
      // The model raised the level: the reasons staff see are what the rules saw, and that the model weighed it.
      const seen = analysis.soft.filter((s) => riskRank(s.level) <= riskRank(level)).map((s) => s.code);
      const signals = [...new Set([...seen, ...firm.signals, 'model'])];
      const third = signals[0] === 'third_party_attack_now' || firm.third || analysis.rules.third;
      return { level, signals, ...(third ? { third } : {}) };
    } catch {
      // Unreachable by design; if it ever happens, a person must look rather than the bot carry on.
      return { level: 'high', signals: ['screening_failed'] };
    }
  }

  screenConversation(turns: readonly Screening[]): Screening {
    return screenConversation(turns);
  }
}

/** What the model is built from: the corpus, and the rules' data (their tokens are features). */
export function riskSources(root: string): string[] {
  return [join(root, 'risk', 'corpus.zh.jsonl'), join(root, 'risk', 'corpus.en.jsonl'), join(root, 'risk', 'thresholds.json'), FILES.rules, FILES.zh, FILES.en, FILES.taxonomy];
}

export function riskModelHash(root: string): string {
  return hashOf(...riskSources(root).map((f) => readFileSync(f, 'utf8')));
}

export function riskModelFile(cacheDir: string, hash: string): string {
  return join(cacheDir, `risk-${hash}.bin`);
}

/** The model built for this corpus and these rules, or why there is none. */
export function loadRiskModel(root: string, cacheDir: string): { model?: RiskModel; problem?: string } {
  let hash: string;
  try {
    hash = riskModelHash(root);
  } catch (err) {
    return { problem: `cannot read the risk corpus: ${(err as Error).message}` };
  }
  const file = riskModelFile(cacheDir, hash);
  try {
    const model = deserialize(readFileSync(file));
    if (model.corpusHash !== hash) return { problem: `${file} was built from another corpus` };
    return { model };
  } catch (err) {
    return { problem: (err as NodeJS.ErrnoException).code === 'ENOENT' ? `no risk model at ${file}: run npm run build` : `cannot load ${file}: ${(err as Error).message}` };
  }
}
