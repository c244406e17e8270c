/**
 * The supervisors' dashboard: the numbers the federation reports for a period (chats, their highest risk,
 * topics asked, handoffs, waiting times, outcomes) and the queue as it is now. Built from report events only.
 */
import { nearestRank } from '../core/percentile.js';
import { maxRisk, RISK_LEVELS, type RiskLevel } from '../core/types.js';
import type { QueueItem, StatEvent } from '../store/store.js';

export interface Report {
  from: number;
  to: number;
  /** Chats with any activity in the period. */
  chats: number;
  started: number;
  /** Each chat once, by the highest risk it reached in the period. */
  byRisk: Record<RiskLevel, number>;
  /** Chats that asked about each topic. */
  byTopic: Record<string, number>;
  handoffs: number;
  waits: { claimed: number; p50Ms: number | null; p90Ms: number | null };
  outcomes: Record<string, number>;
  queue: { length: number; byRisk: Record<RiskLevel, number>; longestWaitMs: number | null };
}

const zeroByRisk = (): Record<RiskLevel, number> => Object.fromEntries(RISK_LEVELS.map((r) => [r, 0])) as Record<RiskLevel, number>;

export function buildReport(events: StatEvent[], queue: QueueItem[], from: number, to: number, now: number): Report {
  const risk = new Map<string, RiskLevel>();
  const topics = new Map<string, Set<string>>();
  const waits: number[] = [];
  const outcomes: Record<string, number> = {};
  let started = 0;
  let handoffs = 0;
  for (const e of events) {
    const level = risk.get(e.conversationId) ?? 'none';
    risk.set(e.conversationId, e.risk ? maxRisk(level, e.risk) : level);
    if (e.kind === 'started') started++;
    if (e.kind === 'queued') handoffs++;
    if (e.kind === 'topic' && e.topic) topics.set(e.topic, (topics.get(e.topic) ?? new Set()).add(e.conversationId));
    if (e.kind === 'claimed' && e.waitMs !== undefined) waits.push(e.waitMs);
    if (e.kind === 'resolved' && e.outcome) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
  }
  const byRisk = zeroByRisk();
  for (const level of risk.values()) byRisk[level]++;
  const queueByRisk = zeroByRisk();
  for (const item of queue) queueByRisk[item.risk]++;
  waits.sort((a, b) => a - b);
  return {
    from,
    to,
    chats: risk.size,
    started,
    byRisk,
    byTopic: Object.fromEntries([...topics].map(([t, ids]) => [t, ids.size]).sort((a, b) => Number(b[1]) - Number(a[1]))),
    handoffs,
    waits: { claimed: waits.length, p50Ms: nearestRank(waits, 50) ?? null, p90Ms: nearestRank(waits, 90) ?? null },
    outcomes,
    queue: { length: queue.length, byRisk: queueByRisk, longestWaitMs: queue.length ? now - queue.reduce((oldest, q) => Math.min(oldest, q.waitingSince), now) : null },
  };
}
