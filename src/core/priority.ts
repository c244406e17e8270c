/** Queue order: risk level first, then waiting time, with ageing. */
import type { RiskLevel } from './types.js';

const MINUTE = 60_000;

/**
 * A head start in waiting time per level. Sorting by (waitingSince - headStart) puts higher risk first and
 * lets a chat that has waited longer than the difference in head starts rise above a newer, riskier one,
 * so nobody waits forever behind a stream of new high-risk chats. Imminent is effectively always first.
 */
const HEAD_START: Record<RiskLevel, number> = {
  imminent: 12 * 60 * MINUTE,
  high: 30 * MINUTE,
  elevated: 0,
  none: 0, // she asked for a person: the same tier as elevated
};

/** Smaller is served first. */
export function queueScore(risk: RiskLevel, waitingSince: number): number {
  return waitingSince - HEAD_START[risk];
}
