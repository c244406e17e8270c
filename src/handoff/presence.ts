/** Staff presence: who used the console lately. With nobody present, chats are still queued, and she is told so. */
import type { Store } from '../store/store.js';

/** Staff were active within this long. */
export const PRESENCE_SECONDS = 5 * 60;
const KEY = 'console:presence';

export class Presence {
  constructor(private readonly store: Store) {}

  /** A staff member did something in the console. */
  async mark(): Promise<void> {
    await this.store.putSession(KEY, { at: Date.now() }, PRESENCE_SECONDS);
  }

  /** Whether a person can take a chat now. */
  async available(): Promise<boolean> {
    return (await this.store.getSession(KEY)) !== undefined;
  }
}
