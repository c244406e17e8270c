/**
 * What the staff console may do with the store, and no more: its sessions and accounts, the audit log, the
 * console's event stream, the report figures and its counters and marks. Messages and conversation records are
 * not here: the console reaches those through the transcript and the handoff service, which audit and publish.
 * Sessions, counters and marks share one key space with the service's own (turn marks, typing, presence): the
 * console's keys carry their own prefixes (`console:`, `setup:`, `login-failures:`, `reset:`).
 */
import type { Store } from '../store/store.js';

export type StaffStore = Pick<
  Store,
  | 'getSession'
  | 'putSession'
  | 'deleteSession'
  | 'getUser'
  | 'putUser'
  | 'listUsers'
  | 'appendAudit'
  | 'listAudit'
  | 'readEvents'
  | 'followEvents'
  | 'listStats'
  | 'incrementCounter'
  | 'markOnce'
>;

export type { StoredEvent } from '../store/store.js';
