/** Wiring only: builds every part and plugs them together. `main.ts`, the CLI and the tests build it. */
import { resolve } from 'node:path';
import restify, { type Server } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { Config } from './config.js';
import { PROJECT_ROOT } from './paths.js';
import { createLogger, type Logger } from './log.js';
import { createStore } from './store/index.js';
import { DAY_MS } from './core/dates.js';
import type { Store } from './store/store.js';
import { loadRiskModel, Screener } from './safety/screener.js';
import { loadCorpus, type Corpus } from './nlu/corpus.js';
import { IntentModel } from './nlu/model.js';
import { loadFaq } from './faq/load.js';
import { loadReplies } from './faq/replies.js';
import { describeStaffedHours, nextStaffed } from './core/staffed-hours.js';
import type { FaqSet } from './faq/schema.js';
import { FaqCatalog } from './faq/catalog.js';
import { Conversations } from './handoff/conversations.js';
import { publishEvent } from './handoff/events.js';
import { Presence } from './handoff/presence.js';
import { Handoff, TICK_MS } from './handoff/service.js';
import { Transcript } from './handoff/transcript.js';
import { mountBaseline } from './http/baseline.js';
import { ClientInfo } from './http/request.js';
import { metricsListener, mountMetrics, observeRequests } from './http/metrics.js';
import { Metrics } from './metrics.js';
import { countFailures } from './store/counted.js';
import { createPush } from './channels/deliver.js';
import { Dialogue } from './bot/dialogue.js';
import { HotlineBot, type TurnObserver } from './bot/handler.js';
import { LogAdapter } from './channels/log-adapter.js';
import { createCloudAdapter, mountBotEndpoint } from './channels/bot-endpoint.js';
import { transcriptRecorder } from './channels/recorder.js';
import { mountHealth } from './channels/health.js';
import { mountDirectLine } from './channels/directline.js';
import { TokenSigner } from './channels/tokens.js';
import { mountWidget } from './channels/widget.js';
import { mountConsoleApi } from './console/api.js';
import { mountFaqApi } from './console/faq-api.js';
import { createPublicRouter, createRouter } from './console/routes.js';
import { mountConsolePage } from './console/page.js';
import { Sessions } from './console/sessions.js';
import { mountSetup, prepareFirstRun } from './console/setup.js';
import { ConsoleEvents } from './console/events.js';
import { mountUsersApi } from './console/users-api.js';
import { mountCaseworkApi } from './console/casework-api.js';
import { mountTwoFactor } from './console/two-factor.js';
import { loadReferrals, referralListSchema, snippetListSchema, VersionedList } from './faq/directory.js';

export { PROJECT_ROOT };

export interface BuildOptions {
  log?: Logger;
  store?: Store;
  observer?: TurnObserver;
  /** Train in this thread (the CLI); the service trains in a worker so requests never wait. */
  trainInline?: boolean;
  faqDir?: string;
  intentsDir?: string;
  clock?: () => number;
  /** Whether a person can take a chat now. */
  staffAvailable?: () => Promise<boolean>;
  /** How a slowed-down login waits. */
  sleep?: (ms: number) => Promise<void>;
}

export interface App {
  config: Config;
  log: Logger;
  store: Store;
  corpus: Corpus;
  faq: () => FaqSet;
  /** The FAQ as published: seed files plus admins' versions in the store. */
  catalog: FaqCatalog;
  model: IntentModel;
  conversations: Conversations;
  screener: Screener;
  transcript: Transcript;
  presence: Presence;
  handoff: Handoff;
  dialogue: Dialogue;
  bot: HotlineBot;
  /** Only when /api/messages is open (a Bot Framework registration, or the development setting). */
  cloudAdapter: CloudAdapter | undefined;
  logAdapter: LogAdapter;
  server: Server;
  metrics: Metrics;
  /** Resolves when the intent model is live. */
  modelReady: Promise<void>;
  /** `setupUrl`: the one-time link for the first admin, when the memory store has no account yet. */
  listen(): Promise<{ port: number; setupUrl?: string }>;
  close(): Promise<void>;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const clock = options.clock ?? Date.now;
  // Data files are validated before anything starts: a bad file stops start-up with its name and field.
  const seedFaq = loadFaq(options.faqDir ?? resolve(PROJECT_ROOT, 'faq'));
  const corpus = loadCorpus(options.intentsDir ?? resolve(PROJECT_ROOT, 'intents'));
  // The queue gauge is read at scrape time from the store built just below.
  const metrics = new Metrics(async () => (await store.listQueue()).map((q) => q.item));
  const store: Store = countFailures(
    options.store ??
      (await createStore(config, { clock, onUnreplicated: (acknowledged) => log.warn({ acknowledged, wanted: config.redis.waitReplicas }, 'a write reached fewer replicas than asked for') })),
    () => metrics.storeErrors.inc(),
  );

  const model = new IntentModel({ cacheDir: resolve(PROJECT_ROOT, config.nluCacheDir), log, inline: options.trainInline, onSwap: () => metrics.modelSwaps.inc() });
  // Answers swap at once when an admin publishes; the model retrains off the request path and swaps when ready.
  let faqSet = seedFaq;
  const faq = () => faqSet;
  const catalog = new FaqCatalog({ history: store, seed: { faq: seedFaq, corpus }, clock });
  catalog.on('change', (snapshot) => {
    faqSet = snapshot.faq;
    log.info({ versions: snapshot.versions }, 'FAQ versions published');
    model.load(snapshot.corpus).catch((err: unknown) => log.error({ err }, 'retraining the intent model failed'));
  });
  catalog.on('readError', (err, intent) => log.error({ err, intent }, 'could not read a published FAQ version'));
  // The seed model starts at once (usually from the cache); the published versions follow from the store.
  model.load(corpus).catch(() => undefined);
  const modelReady = (async () => {
    await catalog.start().catch((err: unknown) => log.error({ err }, 'could not load published FAQ versions; answering from the seed files'));
    await model.load(catalog.current().corpus);
  })();
  modelReady.catch((err: unknown) => log.error({ err }, 'intent model failed to load'));

  // The risk model is built at install; without it the rules screen alone, and the log says so.
  const risk = loadRiskModel(PROJECT_ROOT, resolve(PROJECT_ROOT, '.cache', 'risk'));
  if (risk.problem) log.warn({ problem: risk.problem }, 'risk model not loaded: screening with the rules alone');
  const screener = new Screener(risk.model);
  const words = loadReplies(resolve(PROJECT_ROOT, 'replies', 'bot.json'));
  const conversations = new Conversations(store, clock, (now) => nextStaffed(now, config.staffedHours, config.timeZone));
  const transcript = new Transcript({ store, clock, log });
  const presence = new Presence(store);
  const staffAvailable = options.staffAvailable ?? (() => presence.available());
  const dialogue = new Dialogue({
    screenMessage: (text, opts) => screener.screenMessage(text, opts),
    screenConversation: (turns) => screener.screenConversation(turns),
    classify: (text, locale) => model.classify(text, locale),
    faq,
    words,
    staffedHours: (locale) => describeStaffedHours(config.staffedHours, locale),
    minScore: config.nluMinScore,
    staffAvailable,
    conversations,
    log,
  });
  const bot = new HotlineBot(dialogue, (conversationId, result) => {
    metrics.turns.inc({ action: result.action });
    metrics.screenings.inc({ level: result.screening.level });
    options.observer?.(conversationId, result);
  });
  const recorder = transcriptRecorder(transcript, conversations, log);
  const cloudAdapter = await createCloudAdapter(config.bot, log, [recorder]);
  const logAdapter = new LogAdapter({ transcript, log, clock });
  logAdapter.use(recorder);
  const handoff = new Handoff({
    store,
    conversations,
    transcript,
    staffAvailable,
    push: createPush({ cloudAdapter, appId: config.bot.appId, once: (key, ttl) => store.markOnce(key, ttl) }),
    log,
    clock,
    queueTimeoutMinutes: config.queueTimeoutMinutes,
    words,
    observe: {
      claimed: (waitMs) => {
        metrics.claims.inc();
        metrics.waits.observe(waitMs / 1000);
      },
    },
  });
  const client = new ClientInfo(config.trustedProxies);
  let ticker: NodeJS.Timeout | undefined;
  let metricsServer: import('node:http').Server | undefined;

  const server = restify.createServer({ name: 'hotline-bot', handleUncaughtExceptions: false });
  mountBaseline(server, client);
  observeRequests(server, metrics);
  mountMetrics(server, metrics, config.metrics.token);
  mountHealth(server, { ping: () => store.ping(), modelReady: () => model.ready });
  mountBotEndpoint(server, { adapter: cloudAdapter, bot, config: config.bot, log });
  const tokens = new TokenSigner(config.tokenSecret, config.tokenTtlSeconds, clock);
  mountDirectLine(server, {
    transcript,
    handoff,
    adapter: logAdapter,
    bot,
    tokens,
    client,
    count: (key, ttl) => store.incrementCounter(key, ttl),
    once: (key, ttl) => store.markOnce(key, ttl),
    emergency: (text, locale) => ({ ...dialogue.emergencyFor(text, locale), numbers: ['110', '120', '12110', '12338'] }),
    limits: config.limits,
    log,
    clock,
  });
  mountWidget(server, { quickExitUrl: config.quickExitUrl });
  const sessions = new Sessions(store, { secureCookie: config.cookieSecure, client, clock, require2fa: config.require2fa });
  const consoleEvents = new ConsoleEvents(store);
  const route = createRouter(server, { sessions, presence, client, log });
  const publicRoute = createPublicRouter(server, { client, log });
  mountConsoleApi(server, { store, handoff, presence, sessions, events: consoleEvents, client, faq, timeZone: config.timeZone, log, clock, route, sleep: options.sleep });
  const referralSeed = loadReferrals(resolve(PROJECT_ROOT, 'referrals', 'example.json'));
  mountCaseworkApi({
    store,
    handoff,
    referrals: new VersionedList(store, 'directory:referrals', referralListSchema, referralSeed.entries),
    referralsExample: referralSeed.example,
    snippets: new VersionedList(store, 'directory:snippets', snippetListSchema, []),
    faq,
    retentionDays: config.retentionDays,
    clock,
    route,
  });
  mountTwoFactor(route, { store, clock });
  mountUsersApi(route, publicRoute, { store, clock, changed: (user) => publishEvent(store, { type: 'account.changed', user }) });
  mountFaqApi(route, {
    catalog,
    store,
    training: () => model.training,
    reviewMonths: config.faqReviewMonths,
    timeZone: config.timeZone,
    clock,
  });
  mountSetup(publicRoute, { store, log, clock, method: config.shared ? 'cli' : 'link', client });
  mountConsolePage(server);

  return {
    config,
    log,
    store,
    corpus,
    faq,
    catalog,
    model,
    conversations,
    screener,
    transcript,
    presence,
    handoff,
    dialogue,
    bot,
    cloudAdapter,
    logAdapter,
    server,
    metrics,
    modelReady,
    listen: async () => {
      await consoleEvents.start();
      if (config.metrics.port !== undefined) metricsServer = await metricsListener(metrics, config.metrics.port);
      const setupToken = config.shared ? undefined : await prepareFirstRun(store);
      return new Promise((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          // Waiting users hear their place in the queue; long waits alert a supervisor. Once across instances.
          ticker = setInterval(() => {
            void handoff.tick().catch((err: unknown) => log.error({ err }, 'queue tick failed'));
            void handoff.callbacksDue(clock() - config.retentionDays * DAY_MS).catch((err: unknown) => log.error({ err }, 'callback check failed'));
          }, TICK_MS);
          ticker.unref();
          const address = server.address();
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          // The token sits after '#', so it never reaches a server log or a Referer header.
          const setupUrl = setupToken ? `http://${host}:${address.port}/console#setup=${setupToken}` : undefined;
          resolveListen({ port: address.port, ...(setupUrl ? { setupUrl } : {}) });
        });
      });
    },
    close: async () => {
      if (ticker) clearInterval(ticker);
      await consoleEvents.stop();
      await catalog.stop();
      metricsServer?.close();
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
    },
  };
}
