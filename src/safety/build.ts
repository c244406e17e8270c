/** Building the risk model from the corpus: used by `npm run build` and by the tests' cross-validation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseDataFile, readJsonFile } from '../data-file.js';
import { readMessages, type LabelledMessage } from './evaluate.js';
import { featureIndices, MODEL_FORMAT, train, type Example, type RiskModel, type Thresholds } from './model.js';
import { analyze } from './screen.js';
import { riskModelHash } from './screener.js';

const thresholdsSchema = z.object({
  about: z.string(),
  elevated: z.number().min(0).max(1),
  high: z.number().min(0).max(1),
  imminent: z.number().min(0).max(1),
});

export function readThresholds(root: string): Thresholds {
  const file = join(root, 'risk', 'thresholds.json');
  const { elevated, high, imminent } = parseDataFile(file, thresholdsSchema, readJsonFile(file));
  return { elevated, high, imminent };
}

export function corpusOf(root: string): LabelledMessage[] {
  return [...readMessages(join(root, 'risk', 'corpus.zh.jsonl')), ...readMessages(join(root, 'risk', 'corpus.en.jsonl'))];
}

export function examplesOf(rows: LabelledMessage[]): Example[] {
  return rows.map((r) => {
    const a = analyze(r.text);
    return { features: featureIndices(a.zh, a.en, a.tokens), level: r.level };
  });
}

export function buildRiskModel(root: string, rows = corpusOf(root)): RiskModel {
  const { weights, bias } = train(examplesOf(rows));
  return { format: MODEL_FORMAT, corpusHash: riskModelHash(root), weights, bias, thresholds: readThresholds(root) };
}

/** For `readFileSync` users that only need to know the corpus exists. */
export const corpusFiles = (root: string) => ['zh', 'en'].map((l) => readFileSync(join(root, 'risk', `corpus.${l}.jsonl`), 'utf8'));
