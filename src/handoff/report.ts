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
  /** Per staff member: chats claimed, chats resolved, and the median time from claim to resolve. */
  agents: { agent: string; claimed: number; resolved: number; medianHandlingMs: number | null }[];
  callbacks: { requested: number; done: number };
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
  const perAgent = new Map<string, { claimed: number; resolved: number; handling: number[] }>();
  const claimedAt = new Map<string, number>();
  const callbacks = { requested: 0, done: 0 };
  const agentStats = (name: string) => {
    let a = perAgent.get(name);
    if (!a) perAgent.set(name, (a = { claimed: 0, resolved: 0, handling: [] }));
    return a;
  };
  for (const e of events) {
    if (e.kind === 'claimed' && e.agent) {
      agentStats(e.agent).claimed++;
      claimedAt.set(e.conversationId, e.at);
    }
    if (e.kind === 'resolved' && e.agent) {
      const a = agentStats(e.agent);
      a.resolved++;
      const since = claimedAt.get(e.conversationId);
      if (since !== undefined) a.handling.push(e.at - since);
    }
    if (e.kind === 'callback') callbacks.requested++;
    if (e.kind === 'callback_done') callbacks.done++;
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
    agents: [...perAgent].map(([agent, a]) => ({ agent, claimed: a.claimed, resolved: a.resolved, medianHandlingMs: nearestRank(a.handling.sort((x, y) => x - y), 50) ?? null })).sort((x, y) => x.agent.localeCompare(y.agent)),
    callbacks,
    queue: { length: queue.length, byRisk: queueByRisk, longestWaitMs: queue.length ? now - queue.reduce((oldest, q) => Math.min(oldest, q.waitingSince), now) : null },
  };
}

/** The period's figures as CSV: codes and counts only, one figure a line. */
export function reportCsv(report: Report, fromDate: string, toDate: string): string {
  const rows: (string | number | null)[][] = [['section', 'key', 'value']];
  rows.push(['period', 'from', fromDate], ['period', 'to', toDate], ['chats', 'all', report.chats], ['chats', 'started', report.started], ['handoffs', 'all', report.handoffs]);
  for (const [k, v] of Object.entries(report.byRisk)) rows.push(['risk', k, v]);
  for (const [k, v] of Object.entries(report.byTopic)) rows.push(['topic', k, v]);
  for (const [k, v] of Object.entries(report.outcomes)) rows.push(['outcome', k, v]);
  rows.push(['wait', 'claimed', report.waits.claimed], ['wait', 'p50_ms', report.waits.p50Ms], ['wait', 'p90_ms', report.waits.p90Ms]);
  rows.push(['callbacks', 'requested', report.callbacks.requested], ['callbacks', 'done', report.callbacks.done]);
  for (const a of report.agents) rows.push([`agent:${a.agent}`, 'claimed', a.claimed], [`agent:${a.agent}`, 'resolved', a.resolved], [`agent:${a.agent}`, 'median_handling_ms', a.medianHandlingMs]);
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}
