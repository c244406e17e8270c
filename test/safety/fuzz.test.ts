/**
 * The screener never throws and takes bounded time on any input: 100,000 random and hostile strings from a
 * seeded generator (deterministic), up to 64 KB, with control characters, lone surrogates, regex-hostile
 * repeats and fragments of the lexicons.
 */
import { describe, expect, it } from 'vitest';
import { RISK_LEVELS } from '../../src/core/types.js';
import { screenConversation } from '../../src/safety/screen.js';
import { serviceScreener } from '../support/screener.js';

const screenMessage = (text: string) => serviceScreener().screenMessage(text);

function prng(seed: number): () => number {
  // mulberry32: small, fast, deterministic.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = ['他', '拿着', '刀', '救命', '掐', '脖子', '没', '从来没', '累死', 'he', 'has', 'a', 'knife', 'never', 'kill', 'me', 'help', '🔪', '\u0000', '\ud800', '\udfff', '((((', '))))', '[[', '\\', '.*', 'a'.repeat(50), '！', '，', ' ', '\n', '現在', 'ｈｅｌｐ', '\u200b', '\u202e', 'ﾍﾙﾌﾟ', '𠀀'];

function hostile(rand: () => number): string {
  const kind = Math.floor(rand() * 6);
  const len = rand() < 0.003 ? Math.floor(rand() * 65_536) : Math.floor(rand() * 400);
  switch (kind) {
    case 0: // random UTF-16 code units, lone surrogates included
      return String.fromCharCode(...Array.from({ length: Math.min(len, 4000) }, () => Math.floor(rand() * 0x10000)));
    case 1: // lexicon fragments glued together
      return Array.from({ length: Math.ceil(len / 4) }, () => FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)]).join('');
    case 2: // long repeats that would hurt a backtracking pattern
      return `${'他'.repeat(len)}${'a'.repeat(len)}!`;
    case 3: // control characters and punctuation
      return Array.from({ length: len }, () => String.fromCharCode(Math.floor(rand() * 32))).join('');
    case 4: // nested brackets
      return `${'('.repeat(len)}knife${')'.repeat(len)}`;
    default: // a huge message with danger at the end
      return `${'我想问一下离婚的事情 '.repeat(Math.floor(len / 2))}他拿着刀`;
  }
}

describe('screening under fuzzing', () => {
  it('never throws, always returns a valid level, and no call takes long', () => {
    const rand = prng(20261125);
    let slowest = 0;
    for (let i = 0; i < 100_000; i++) {
      const input = hostile(rand);
      const t0 = performance.now();
      const result = screenMessage(input);
      slowest = Math.max(slowest, performance.now() - t0);
      expect(RISK_LEVELS).toContain(result.level);
      expect(Array.isArray(result.signals)).toBe(true);
    }
    // A bound, not a benchmark (the machine is shared with other tests): catastrophic backtracking on a
    // 64 KB input takes minutes, a linear scan well under a second.
    expect(slowest).toBeLessThan(5_000);
  }, 180_000);

  it('screens 64 KB of hostile text, including danger at its very end', () => {
    const text = `${'((a+)+)'.repeat(9000)}他现在拿着刀`;
    expect(screenMessage(text).level).toBe('imminent');
  });

  it('accepts anything as input without throwing', () => {
    for (const bad of [undefined, null, 42, {}, [], '\ud800', '\u0000'.repeat(10)]) {
      expect(() => screenMessage(bad as unknown as string)).not.toThrow();
    }
    expect(screenConversation([])).toEqual({ level: 'none', signals: [] });
  });
});
