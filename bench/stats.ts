/** Small timing helpers for the benchmarks: percentiles over measured samples, printed as a table. */
import { nearestRank } from '../src/core/percentile.js';

export function percentile(sorted: readonly number[], p: number): number {
  return nearestRank(sorted, p) ?? NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Times `fn` once per input after a warm-up pass, in milliseconds. */
export async function timeEach<T>(inputs: readonly T[], fn: (input: T) => unknown, warmup = true): Promise<number[]> {
  if (warmup) for (const input of inputs) await fn(input);
  const samples: number[] = [];
  for (const input of inputs) {
    const t0 = performance.now();
    await fn(input);
    samples.push(performance.now() - t0);
  }
  return samples;
}

export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

export function row(name: string, ours: Summary, base: Summary): string {
  return `${name.padEnd(34)} p50 ${fmt(ours.p50).padStart(10)}  p99 ${fmt(ours.p99).padStart(10)}   | baseline p50 ${fmt(base.p50).padStart(10)}  p99 ${fmt(base.p99).padStart(10)}   | ratio p99 ${(ours.p99 / base.p99).toFixed(2)}x`;
}
