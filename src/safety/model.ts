/**
 * The learned risk model beside the rules: logistic regression over hashed features of the message (Chinese
 * character 1-3-grams; English words, word pairs and character 4-grams, which survive typos) and of what the rules
 * saw (concepts, negated concepts, rules that fired). Three heads, one per threshold of the ordered levels
 * (elevated or above, high or above, imminent). It may only raise the level the firm rules give.
 *
 * Trained from risk/corpus.*.jsonl when the project is built (`npm run build`, run by npm install), never at
 * start: the service loads the weights and checks that they were made from the corpus it ships (a hash).
 */
import { createHash } from 'node:crypto';
import type { RiskLevel } from '../core/types.js';

/** Bump when the features or the training change, so that a model built before is not loaded. */
export const MODEL_FORMAT = 'risk-lr-v1';
const BITS = 18;
const SIZE = 1 << BITS;
const HEADS = 3;
/** Only the start and the end of a very long message: bounded time; the rules read all of it. */
const HEAD_CHARS = 800;
const TAIL_CHARS = 400;

export interface Thresholds {
  elevated: number;
  high: number;
  imminent: number;
}

export interface RiskModel {
  format: string;
  corpusHash: string;
  weights: Float32Array;
  bias: Float32Array;
  thresholds: Thresholds;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function clip(text: string): string {
  return text.length <= HEAD_CHARS + TAIL_CHARS ? text : `${text.slice(0, HEAD_CHARS)}\n${text.slice(-TAIL_CHARS)}`;
}

/** The hashed feature indices of a message, given its two normal forms and the rules' tokens. */
export function featureIndices(zh: string, en: string, ruleTokens: readonly string[]): Uint32Array {
  const set = new Set<number>();
  const add = (f: string) => set.add(fnv1a(f) & (SIZE - 1));
  for (const line of clip(zh).split('\n')) {
    const chars = Array.from(line.replace(/[a-z0-9]+/g, ' ').replace(/ /g, ''));
    for (let i = 0; i < chars.length; i++) {
      add(`z1:${chars[i]}`);
      if (i + 1 < chars.length) add(`z2:${chars[i]}${chars[i + 1]}`);
      if (i + 2 < chars.length) add(`z3:${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
    }
  }
  for (const line of clip(en).split('\n')) {
    const words = line.split(' ').filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      add(`w1:${w}`);
      if (i + 1 < words.length) add(`w2:${w} ${words[i + 1]}`);
      const padded = `<${w}>`;
      for (let j = 0; j + 4 <= padded.length; j++) add(`c4:${padded.slice(j, j + 4)}`);
    }
  }
  for (const t of ruleTokens) add(`r:${t}`);
  add('bias');
  return Uint32Array.from(set);
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The three probabilities: elevated or above, high or above, imminent. */
export function probabilities(model: Pick<RiskModel, 'weights' | 'bias'>, features: Uint32Array): [number, number, number] {
  const scale = 1 / Math.sqrt(features.length);
  const out: [number, number, number] = [0, 0, 0];
  for (let h = 0; h < HEADS; h++) {
    let z = model.bias[h]!;
    const base = h * SIZE;
    for (const f of features) z += model.weights[base + f]! * scale;
    out[h] = sigmoid(z);
  }
  return out;
}

export function levelFrom(p: readonly number[], t: Thresholds): RiskLevel {
  if (p[2]! >= t.imminent) return 'imminent';
  if (p[1]! >= t.high) return 'high';
  if (p[0]! >= t.elevated) return 'elevated';
  return 'none';
}

export interface Example {
  features: Uint32Array;
  level: RiskLevel;
}

const RANK: Record<RiskLevel, number> = { none: 0, elevated: 1, high: 2, imminent: 3 };

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Logistic regression by AdaGrad over the examples, deterministic (a seeded shuffle). Positives weigh more than
 * negatives: for a hotline a missed danger costs more than a false alarm, and the thresholds finish the job.
 */
export function train(examples: Example[], options: { epochs?: number; rate?: number; l2?: number; positiveWeight?: number; seed?: number } = {}): Pick<RiskModel, 'weights' | 'bias'> {
  const { epochs = 12, rate = 0.4, l2 = 1e-6, positiveWeight = 1.5, seed = 20261204 } = options;
  const weights = new Float32Array(HEADS * SIZE);
  const bias = new Float32Array(HEADS);
  const g2 = new Float32Array(HEADS * SIZE).fill(1e-8);
  const b2 = new Float32Array(HEADS).fill(1e-8);
  const order = examples.map((_, i) => i);
  const rand = prng(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const { features, level } = examples[index]!;
      const p = probabilities({ weights, bias }, features);
      const scale = 1 / Math.sqrt(features.length);
      for (let h = 0; h < HEADS; h++) {
        const y = RANK[level] >= h + 1 ? 1 : 0;
        const w = y ? positiveWeight : 1;
        const grad = (p[h]! - y) * w;
        const base = h * SIZE;
        for (const f of features) {
          const k = base + f;
          const g = grad * scale + l2 * weights[k]!;
          g2[k]! += g * g;
          weights[k]! -= (rate * g) / Math.sqrt(g2[k]!);
        }
        b2[h]! += grad * grad;
        bias[h]! -= (rate * grad) / Math.sqrt(b2[h]!);
      }
    }
  }
  return { weights, bias };
}

/** The model as bytes: a JSON header line, then the weights and biases as little-endian float32. */
export function serialize(model: RiskModel): Buffer {
  const header = Buffer.from(`${JSON.stringify({ format: model.format, corpusHash: model.corpusHash, thresholds: model.thresholds, bits: BITS, heads: HEADS })}\n`);
  return Buffer.concat([header, Buffer.from(model.bias.buffer, model.bias.byteOffset, model.bias.byteLength), Buffer.from(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength)]);
}

export function deserialize(bytes: Buffer): RiskModel {
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { format: string; corpusHash: string; thresholds: Thresholds; bits: number; heads: number };
  if (header.bits !== BITS || header.heads !== HEADS) throw new Error('risk model: unexpected shape');
  const body = bytes.subarray(newline + 1);
  // Copied into aligned arrays: a Buffer slice may start at any byte.
  const floats = new Float32Array(body.byteLength / 4);
  Buffer.from(floats.buffer).set(body);
  return { format: header.format, corpusHash: header.corpusHash, thresholds: header.thresholds, bias: floats.slice(0, HEADS), weights: floats.slice(HEADS) };
}

/** The hash a model is checked against: the corpus it was trained from, the format, and the rules' data. */
export function hashOf(...contents: string[]): string {
  const h = createHash('sha256').update(MODEL_FORMAT);
  for (const c of contents) h.update('\0').update(c);
  return h.digest('hex').slice(0, 16);
}
