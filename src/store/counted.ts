/** A Store that counts its failed calls (the metric hotline_store_errors_total); it changes nothing else. */
import type { Store } from './store.js';

export function countFailures(store: Store, failed: () => void): Store {
  const counted = Object.create(store) as Store;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(store)) as (keyof Store)[]) {
    const method = store[name];
    if (typeof method !== 'function' || (name as string) === 'constructor') continue;
    (counted as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (err) {
        failed();
        throw err;
      }
    };
  }
  return counted;
}
