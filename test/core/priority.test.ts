import { describe, expect, it } from 'vitest';
import { queueScore } from '../../src/core/priority.js';

const MIN = 60_000;
const order = (items: [string, Parameters<typeof queueScore>[0], number][]) =>
  [...items].sort((a, b) => queueScore(a[1], a[2]) - queueScore(b[1], b[2])).map((i) => i[0]);

describe('queue order', () => {
  it('puts higher risk first, then the longer wait', () => {
    const t = 1_000 * MIN;
    expect(order([['asked', 'none', t - 5 * MIN], ['high', 'high', t], ['now', 'imminent', t], ['elevated', 'elevated', t - 6 * MIN]])).toEqual(['now', 'high', 'elevated', 'asked']);
  });

  it('ages a long wait upward, so nobody waits forever behind newer high-risk chats', () => {
    const t = 1_000 * MIN;
    expect(order([['waited', 'elevated', t - 45 * MIN], ['new-high', 'high', t]])).toEqual(['waited', 'new-high']);
    // Danger now stays first even against a long wait.
    expect(order([['waited', 'elevated', t - 3 * 60 * MIN], ['now', 'imminent', t]])).toEqual(['now', 'waited']);
  });
});
