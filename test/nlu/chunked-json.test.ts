/** A trained model is stored as chunked JSON so that loading it never holds the event loop for long. */
import { describe, expect, it } from 'vitest';
import { parseChunked, stringifyChunked } from '../../src/nlu/chunked-json.js';

const value = {
  settings: { locales: ['zh', 'en'], threshold: 0.5, nothing: null, empty: {}, none: [] },
  weights: Array.from({ length: 40 }, (_, i) => Array.from({ length: 50 }, (_, j) => (i * j) / 7)),
  features: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`保护令${i}`, i])),
  text: 'a "quoted" line\nwith a newline',
};

describe('chunked JSON', () => {
  it('comes back equal, in lines near the limit, pausing as it goes', async () => {
    const text = stringifyChunked(value, 1000);
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(20);
    // A line is at most one limit's worth of children plus the last child that crossed it.
    for (const line of lines) expect(line.length).toBeLessThan(3000);
    let pauses = 0;
    const back = await parseChunked(text, async () => void pauses++, 2000);
    expect(back).toEqual(value);
    expect(pauses).toBeGreaterThan(5);
  });

  it('keeps a small value on one line', async () => {
    const text = stringifyChunked({ a: [1, 2, 3] });
    expect(text.split('\n')).toHaveLength(1);
    expect(await parseChunked(text, async () => undefined)).toEqual({ a: [1, 2, 3] });
  });
});
