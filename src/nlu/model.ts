/**
 * The live intent model: trained off the request path (in a worker thread), cached on disk by the corpus'
 * hash, and swapped in atomically so a request is always answered by a whole model, old or new.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Classification, Locale } from '../core/types.js';
import type { Logger } from '../log.js';
import { IntentClassifier } from './classifier.js';
import { COMPILED } from '../paths.js';
import type { Corpus } from './corpus.js';

/**
 * Bump when the tokenizer, the training settings or the file's format change, so that old cached models are not
 * reused. v7: the network in compact form (compact.ts) instead of NLP.js's export.
 */
const MODEL_FORMAT = 'bigram-v7-compact';

export class ModelNotReadyError extends Error {
  override name = 'ModelNotReadyError';
}

export function corpusHash(corpus: Corpus): string {
  return createHash('sha256').update(MODEL_FORMAT).update(JSON.stringify(corpus)).digest('hex').slice(0, 16);
}

/**
 * The worker runs TypeScript through tsx's API: `--import tsx` in a worker's execArgv does not register the
 * loader there on Node 20, so the worker imports tsx itself, then the training module.
 */
const WORKER_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ tsImport }) => tsImport(workerData.module, workerData.module));
`;

/** Trains in a worker thread so that the event loop keeps answering while it runs. */
export function trainInWorker(corpus: Corpus): Promise<string> {
  return new Promise((resolve, reject) => {
    // Compiled, the worker is plain JavaScript; from source it goes through tsx.
    const worker = COMPILED
      ? new Worker(new URL('./train-worker.js', import.meta.url), { workerData: { corpus } })
      : new Worker(WORKER_BOOT, {
          eval: true,
          workerData: { corpus, tsx: import.meta.resolve('tsx/esm/api'), module: new URL('./train-worker.ts', import.meta.url).href },
        });
    worker.once('message', (model: string) => {
      resolve(model);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training worker exited with code ${code}`));
      else reject(new Error('training worker exited without a model'));
    });
  });
}

const KEEP_CACHED_MODELS = 10;

/** Every published FAQ version may leave a model file; keep the newest few. */
async function prune(cacheDir: string): Promise<void> {
  const files = (await readdir(cacheDir)).filter((f) => /^model-[0-9a-f]+\.json$/.test(f)).map((f) => join(cacheDir, f));
  const dated = await Promise.all(files.map(async (f) => ({ f, t: (await stat(f)).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  await Promise.all(dated.slice(KEEP_CACHED_MODELS).map(({ f }) => unlink(f).catch(() => undefined)));
}

export interface IntentModelOptions {
  cacheDir?: string | undefined;
  log: Logger;
  /** Train in this thread instead of a worker (the CLI, which has nothing else to do meanwhile). */
  inline?: boolean;
  /** Told when a model is swapped in. */
  onSwap?: () => void;
}

export class IntentModel {
  private current: IntentClassifier | undefined;
  private currentHash: string | undefined;
  private latest = 0;
  private readonly inFlight = new Map<string, Promise<IntentClassifier>>();

  constructor(private readonly options: IntentModelOptions) {}

  get ready(): boolean {
    return this.current !== undefined;
  }

  /** A newer corpus is being trained; the live model keeps answering meanwhile. */
  get training(): boolean {
    return this.inFlight.size > 0;
  }

  /**
   * Resolves when the model for this corpus is live; the previous one answers until then. When corpora arrive
   * faster than training, only the newest one is swapped in.
   */
  async load(corpus: Corpus): Promise<void> {
    const hash = corpusHash(corpus);
    const generation = ++this.latest;
    if (hash === this.currentHash) return;
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.build(corpus, hash).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    const classifier = await pending;
    if (generation === this.latest) {
      this.current = classifier;
      this.currentHash = hash;
      this.options.onSwap?.();
    }
  }

  /** Resolves when no newer model is training (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  async classify(text: string, locale?: Locale): Promise<Classification> {
    if (!this.current) throw new ModelNotReadyError('the intent model is still training');
    return this.current.classify(text, locale);
  }

  private async build(corpus: Corpus, hash: string): Promise<IntentClassifier> {
    const { cacheDir, log } = this.options;
    const file = cacheDir ? join(cacheDir, `model-${hash}.json`) : undefined;
    if (file) {
      try {
        const classifier = await IntentClassifier.fromModel(await readFile(file, 'utf8'));
        // Marks it as recently used, so that pruning keeps it.
        const now = new Date();
        await utimes(file, now, now).catch(() => undefined);
        log.info({ hash }, 'intent model loaded from cache');
        return classifier;
      } catch {
        // No usable cache: train below.
      }
    }
    const started = Date.now();
    const model = this.options.inline ? (await IntentClassifier.train(corpus)).toModel() : await trainInWorker(corpus);
    log.info({ hash, ms: Date.now() - started }, 'intent model trained');
    if (file && cacheDir) {
      try {
        await mkdir(cacheDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, model);
        await rename(tmp, file);
        await prune(cacheDir);
      } catch (err) {
        log.warn({ err }, 'could not cache the intent model');
      }
    }
    return IntentClassifier.fromModel(model);
  }
}
