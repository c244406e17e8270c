/**
 * Prometheus metrics for the people who run the service. Labels hold route patterns, actions, levels and risk
 * codes; never message text, conversation ids or names.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RISK_LEVELS, type RiskLevel } from './core/types.js';

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Histogram<'route' | 'method' | 'status'>;
  readonly turns: Counter<'action'>;
  readonly screenings: Counter<'level'>;
  readonly waits: Histogram;
  readonly claims: Counter;
  readonly storeErrors: Counter;
  readonly modelSwaps: Counter;

  /** `queue`: the chats waiting now, read at each scrape (the queue is shared by every instance). */
  constructor(queue: () => Promise<{ risk: RiskLevel }[]>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.requests = new Histogram({
      name: 'hotline_http_request_duration_seconds',
      help: 'HTTP request durations by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.turns = new Counter({ name: 'hotline_turns_total', help: 'User turns by the action the bot took', labelNames: ['action'], registers });
    this.screenings = new Counter({ name: 'hotline_screenings_total', help: 'Screened user messages by level', labelNames: ['level'], registers });
    new Gauge({
      name: 'hotline_queue_length',
      help: 'Chats waiting for a person, by risk',
      labelNames: ['risk'],
      registers,
      async collect() {
        const items = await queue().catch(() => undefined);
        if (!items) return;
        for (const level of RISK_LEVELS) this.set({ risk: level }, items.filter((i) => i.risk === level).length);
      },
    });
    this.waits = new Histogram({ name: 'hotline_queue_wait_seconds', help: 'How long chats waited before a person claimed them', buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600], registers });
    this.claims = new Counter({ name: 'hotline_claims_total', help: 'Chats claimed by staff', registers });
    this.storeErrors = new Counter({ name: 'hotline_store_errors_total', help: 'Store commands that failed', registers });
    this.modelSwaps = new Counter({ name: 'hotline_model_swaps_total', help: 'Intent models swapped in (at start and after FAQ publications)', registers });
  }
}
