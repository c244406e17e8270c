/** The memory store, but appending a message fails while `fail(entry)` says so: a Redis hiccup at a chosen write. */
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';

export function flakyStore(fail: (entry: { from: string }) => boolean): Store {
  const memory = new MemoryStore({ retentionDays: 30 });
  return new Proxy(memory, {
    get(target, prop, receiver) {
      if (prop === 'appendMessage') {
        return async (...args: Parameters<Store['appendMessage']>) => {
          if (fail(args[1])) throw new Error('connection lost');
          return target.appendMessage(...args);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
