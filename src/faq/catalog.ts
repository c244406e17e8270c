/**
 * The live FAQ: the files in `faq/` and `intents/` are the seed (version 0 of every topic); admins' edits are
 * versions in the store. Every save is checked, compare-and-set against the version the admin started from,
 * and announced on the store's publish/subscribe channel so that every instance swaps in the new answers and
 * retrains on the new sentences.
 */
import { EventEmitter } from 'node:events';
import { LOCALES, TOPIC_IDS, type Locale, type TopicId } from '../core/types.js';
import { applyEdit, checkAgainstOthers, faqDocumentSchema, type FaqDocument, type FaqEdit } from './document.js';
import type { FaqEntry, FaqSet } from './schema.js';

/** The part of the store the catalog needs (the store port satisfies it). */
export interface FaqHistory {
  getFaqHead(intent: string): Promise<StoredVersion | undefined>;
  listFaqVersions(intent: string): Promise<StoredVersion[]>;
  appendFaqVersion(intent: string, expectedVersion: number, version: Omit<StoredVersion, 'version'>): Promise<'ok' | 'conflict'>;
  publish(channel: string, event: unknown): Promise<void>;
  subscribe(channel: string, handler: (event: unknown) => void): Promise<() => Promise<void>>;
}

export interface StoredVersion {
  version: number;
  doc: unknown;
  at: number;
  author: string;
  note?: string | undefined;
}

export type TopicCorpus = Record<Locale, Record<TopicId, string[]>>;

export interface FaqSnapshot {
  faq: FaqSet;
  corpus: TopicCorpus;
  versions: Record<TopicId, number>;
}

export interface FaqVersionView {
  version: number;
  doc: FaqDocument;
  at: number | null;
  author: string;
  note?: string | undefined;
}

export const FAQ_CHANNEL = 'faq-published';
export const SEED_AUTHOR = 'seed files';
const REFRESH_MS = 60_000;

export class FaqConflictError extends Error {
  override name = 'FaqConflictError';
  constructor(
    readonly base: number,
    readonly current: FaqVersionView,
  ) {
    super(`someone saved version ${current.version} of this topic after version ${base}, which you edited`);
  }
}

export class FaqVersionNotFoundError extends Error {
  override name = 'FaqVersionNotFoundError';
}

export interface FaqCatalogOptions {
  history: FaqHistory;
  seed: { faq: FaqSet; corpus: Record<Locale, Partial<Record<TopicId, string[]>>> };
  clock: () => number;
}

/**
 * Emits `change` with each new live set (answers and training sentences) on this instance, and `readError`
 * when a published version cannot be read (that topic stays as it was).
 */
export class FaqCatalog extends EventEmitter<{ change: [FaqSnapshot]; readError: [unknown, TopicId] }> {
  private live: FaqSnapshot;
  private liveDocs: Record<TopicId, FaqDocument>;
  private readonly seedDocs: Record<TopicId, FaqDocument>;
  private unsubscribe: (() => Promise<void>) | undefined;
  private poll: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly options: FaqCatalogOptions) {
    super();
    const { faq, corpus } = options.seed;
    this.seedDocs = Object.fromEntries(
      TOPIC_IDS.map((t) => [t, { entry: faq[t], utterances: { zh: corpus.zh[t] ?? [], en: corpus.en[t] ?? [] } }]),
    ) as Record<TopicId, FaqDocument>;
    this.liveDocs = this.seedDocs;
    this.live = snapshotOf(this.seedDocs, Object.fromEntries(TOPIC_IDS.map((t) => [t, 0])) as Record<TopicId, number>);
  }

  current(): FaqSnapshot {
    return this.live;
  }

  /** Loads the published versions and follows every instance's publications. */
  async start(): Promise<void> {
    // A publication missed while the store's connection was down is picked up by the next poll.
    this.poll = setInterval(() => void this.refresh(), REFRESH_MS);
    this.poll.unref();
    this.unsubscribe = await this.options.history.subscribe(FAQ_CHANNEL, () => void this.refresh());
    await this.refresh();
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    await this.unsubscribe?.();
  }

  /** Re-reads every topic's head; refreshes run one at a time, and a change is announced once. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(
      () => this.reload(),
      () => this.reload(),
    );
    return this.refreshing;
  }

  async get(intent: TopicId): Promise<FaqVersionView> {
    const head = await this.options.history.getFaqHead(intent);
    return head ? this.view(intent, head) : this.seedView(intent);
  }

  /** Newest first, the seed last. */
  async versions(intent: TopicId): Promise<FaqVersionView[]> {
    const stored = await this.options.history.listFaqVersions(intent);
    const views = stored.map((v) => this.view(intent, v)).sort((a, b) => b.version - a.version);
    return [...views, this.seedView(intent)];
  }

  async version(intent: TopicId, version: number): Promise<FaqVersionView> {
    const found = (await this.versions(intent)).find((v) => v.version === version);
    if (!found) throw new FaqVersionNotFoundError(`${intent} has no version ${version}`);
    return found;
  }

  /** Saves an edit made on `baseVersion`; a newer version saved meanwhile is a conflict, never overwritten. */
  async save(intent: TopicId, baseVersion: number, edit: FaqEdit, author: string): Promise<FaqVersionView> {
    const head = await this.headAt(intent, baseVersion);
    const doc = applyEdit(intent, head.doc.entry, edit);
    return this.append(intent, baseVersion, doc, author, edit.note ?? undefined);
  }

  /** Makes an old version the newest one again (a new version: history is never rewritten). */
  async rollback(intent: TopicId, baseVersion: number, to: number, author: string): Promise<FaqVersionView> {
    const target = await this.version(intent, to);
    return this.append(intent, baseVersion, target.doc, author, `rolled back to version ${to}`);
  }

  async markReviewed(intent: TopicId, baseVersion: number, author: string, reviewer: string, today: string): Promise<FaqVersionView> {
    const head = await this.headAt(intent, baseVersion);
    const doc = { ...head.doc, entry: { ...head.doc.entry, lastReviewed: today, reviewer } };
    return this.append(intent, baseVersion, doc, author, 'marked reviewed');
  }

  /** The newest version, if it is the one the admin started from; otherwise her change would overwrite another. */
  private async headAt(intent: TopicId, baseVersion: number): Promise<FaqVersionView> {
    const head = await this.get(intent);
    if (head.version !== baseVersion) throw new FaqConflictError(baseVersion, head);
    return head;
  }

  private async append(intent: TopicId, baseVersion: number, doc: FaqDocument, author: string, note: string | undefined): Promise<FaqVersionView> {
    checkAgainstOthers(doc, this.live.faq, this.live.corpus);
    const at = this.options.clock();
    const result = await this.options.history.appendFaqVersion(intent, baseVersion, { doc, at, author, note });
    if (result === 'conflict') throw new FaqConflictError(baseVersion, await this.get(intent));
    // This instance swaps at once; the others hear it on the channel.
    await this.refresh();
    await this.options.history.publish(FAQ_CHANNEL, { intent, version: baseVersion + 1 });
    return { version: baseVersion + 1, doc, at, author, note };
  }

  private async reload(): Promise<void> {
    const docs = { ...this.liveDocs };
    const versions = { ...this.live.versions };
    for (const intent of TOPIC_IDS) {
      try {
        const head = await this.options.history.getFaqHead(intent);
        docs[intent] = head ? this.view(intent, head).doc : this.seedDocs[intent];
        versions[intent] = head?.version ?? 0;
      } catch (err) {
        // An unreadable version keeps that topic as it was: the bot goes on answering.
        this.emit('readError', err, intent);
      }
    }
    if (TOPIC_IDS.every((t) => versions[t] === this.live.versions[t])) return;
    this.liveDocs = docs;
    this.live = snapshotOf(docs, versions);
    this.emit('change', this.live);
  }

  private view(intent: TopicId, stored: StoredVersion): FaqVersionView {
    const parsed = faqDocumentSchema.safeParse(stored.doc);
    if (!parsed.success) throw new Error(`stored version ${stored.version} of ${intent} is not a valid FAQ document`);
    return { version: stored.version, doc: parsed.data, at: stored.at, author: stored.author, note: stored.note };
  }

  private seedView(intent: TopicId): FaqVersionView {
    return { version: 0, doc: this.seedDocs[intent], at: null, author: SEED_AUTHOR };
  }
}

function snapshotOf(docs: Record<TopicId, FaqDocument>, versions: Record<TopicId, number>): FaqSnapshot {
  const faq = Object.fromEntries(TOPIC_IDS.map((t) => [t, docs[t].entry])) as Record<TopicId, FaqEntry>;
  const corpus = Object.fromEntries(
    LOCALES.map((l) => [l, Object.fromEntries(TOPIC_IDS.map((t) => [t, docs[t].utterances[l]]))]),
  ) as TopicCorpus;
  return { faq, corpus, versions };
}
