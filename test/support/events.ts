/** Console events as a test sees them: everything appended from now on, and a wait for the one it expects. */
import type { HotlineEvent } from '../../src/handoff/events.js';
import type { Store } from '../../src/store/store.js';

export interface EventLog {
  seen: HotlineEvent[];
  /** Resolves with the first event (seen already or to come) that matches. */
  next(match: (e: HotlineEvent) => boolean): Promise<HotlineEvent>;
  stop(): Promise<void>;
}

export async function followEvents(store: Store): Promise<EventLog> {
  const seen: HotlineEvent[] = [];
  const waiting: { match: (e: HotlineEvent) => boolean; resolve: (e: HotlineEvent) => void }[] = [];
  const stop = await store.followEvents(({ event }) => {
    const e = event as HotlineEvent;
    seen.push(e);
    for (const w of [...waiting]) {
      if (w.match(e)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    seen,
    next: (match) => {
      const found = seen.find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiting.push({ match, resolve }));
    },
    stop,
  };
}
