/** The command line: `npm run --silent cli -- <command>`. JSON lines on stdout; logs go to stderr. */
import './http/quiet-restify.js';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { z } from 'zod';
import { buildApp, PROJECT_ROOT, type App } from './app.js';
import { loadConfig, type Config } from './config.js';
import { LOCALES, type Action } from './core/types.js';
import { DataFileError } from './data-file.js';
import { firstIssue } from './first-issue.js';
import { loadFaq } from './faq/load.js';
import { FaqCatalog } from './faq/catalog.js';
import { checkFaqSet, writeFaqFiles } from './faq/files.js';
import { createLogger } from './log.js';
import { loadCorpus } from './nlu/corpus.js';
import { MemoryStore } from './store/memory.js';
import { createStore } from './store/index.js';
import { AccountError, addUser, createResetLink, ROLES, setDisabled, type Role } from './console/accounts.js';
import type { TurnResult } from './bot/dialogue.js';

const USAGE = `usage: npm run --silent cli -- <command>
  classify                 JSON lines {"id"?, "text", "locale"?} on stdin -> one result line each
  converse                 JSON lines {"id"?, "locale"?, "turns": [...]} -> {"id", "actions"} each
  faq check [DIR]          validate DIR/faq and DIR/intents (default: the project's); exits non-zero naming the file and field
  faq export DIR           write the published FAQ (from the store of REDIS_URL) to DIR/faq and DIR/intents
  user add NAME --role R   create a staff account (agent, supervisor, admin); password on stdin
  user disable NAME        end the account's sessions at once and refuse its logins (enable NAME undoes it)
  user reset NAME          print a one-time link (valid a day) through which NAME sets a new password`;

const id = z.union([z.string(), z.number()]).optional();
const classifyLine = z.object({ id, text: z.string(), locale: z.enum(LOCALES).optional() });
const converseLine = z.object({ id, locale: z.enum(LOCALES).optional(), turns: z.array(z.string()).min(1) });

function write(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Reads JSON lines; a bad line becomes an error line and the run goes on. */
async function eachLine<T>(schema: z.ZodType<T>, handle: (value: T, lineNumber: number) => Promise<void>): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    if (!raw.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      write({ error: `line ${n}: not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const { field, message } = firstIssue(parsed.error, '(root)');
      write({ error: `line ${n}: ${field}: ${message}` });
      continue;
    }
    try {
      await handle(parsed.data, n);
    } catch (err) {
      write({ error: `line ${n}: ${(err as Error).message}` });
    }
  }
}

function cliConfig(): Config {
  // The CLI runs in memory: it never touches a live store, whatever REDIS_URL says.
  return { ...loadConfig(), shared: false };
}

async function buildCliApp(observer?: (conversationId: string, result: TurnResult) => void): Promise<App> {
  const config = cliConfig();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const app = await buildApp(config, { log, store: new MemoryStore({ retentionDays: 1 }), trainInline: true, observer });
  await app.modelReady;
  return app;
}

/**
 * One user turn on a conversation of the in-process channel: the same path as a Direct Line message (recorded,
 * then the bot's turn), with the turn's outcome as the bot observed it.
 */
function cliTurns(app: App, outcomes: Map<string, TurnResult>) {
  return async (conversationId: string, turn: number, text: string, locale: string | undefined): Promise<TurnResult> => {
    const activity = { type: 'message', text, locale, from: { id: 'user', role: 'user' } };
    outcomes.delete(conversationId);
    await app.logAdapter.receive(app.bot, conversationId, { id: `${conversationId}:${turn}`, activity });
    const result = outcomes.get(conversationId);
    if (!result) throw new Error(`turn ${turn + 1} produced no outcome`);
    return result;
  };
}

async function classify(): Promise<void> {
  const outcomes = new Map<string, TurnResult>();
  const app = await buildCliApp((id, result) => outcomes.set(id, result));
  const turn = cliTurns(app, outcomes);
  await eachLine(classifyLine, async (line, n) => {
    // A first message, in a conversation of its own.
    const result = await turn(`cli-classify-${n}`, 0, line.text, line.locale);
    const c = result.classification ?? { locale: line.locale ?? result.locale, intent: 'out_of_scope', score: 0 };
    write({ id: line.id ?? n, locale: c.locale, intent: c.intent, score: Number(c.score.toFixed(4)), risk: result.risk.level, signals: result.risk.signals, action: result.action });
  });
  await app.close();
}

async function converse(): Promise<void> {
  const outcomes = new Map<string, TurnResult>();
  const app = await buildCliApp((id, result) => outcomes.set(id, result));
  const turn = cliTurns(app, outcomes);
  await eachLine(converseLine, async (line, n) => {
    const conversationId = `cli-${n}`;
    const actions: Action[] = [];
    for (const [i, text] of line.turns.entries()) actions.push((await turn(conversationId, i, text, line.locale)).action);
    write({ id: line.id ?? n, actions });
  });
  await app.close();
}

function faqCheck(dir = PROJECT_ROOT): void {
  const faq = loadFaq(resolve(dir, 'faq'));
  const corpus = loadCorpus(resolve(dir, 'intents'));
  checkFaqSet(dir, faq, corpus);
  const counts = LOCALES.map((l) => `${l} ${Object.values(corpus[l]).reduce((s, u) => s + (u?.length ?? 0), 0)}`);
  process.stdout.write(`ok: ${Object.keys(faq).length} answers in zh and en; training utterances: ${counts.join(', ')}\n`);
}

async function faqExport(dir: string | undefined): Promise<number> {
  if (!dir) {
    process.stderr.write('usage: npm run cli -- faq export DIR\n');
    return 2;
  }
  const config = loadConfig();
  if (!config.shared) {
    process.stderr.write(
      "Without REDIS_URL the edits live only in the running service's memory, which this command cannot reach.\n" +
        'Set REDIS_URL to the store of the service whose published FAQ you want to export.\n',
    );
    return 2;
  }
  const store = await createStore(config);
  try {
    const catalog = new FaqCatalog({
      history: store,
      seed: { faq: loadFaq(resolve(PROJECT_ROOT, 'faq')), corpus: loadCorpus(resolve(PROJECT_ROOT, 'intents')) },
      clock: Date.now,
    });
    catalog.on('readError', (err, intent) => {
      throw new Error(`cannot read the published version of ${intent}: ${(err as Error).message}`);
    });
    await catalog.refresh();
    const { faq, corpus, versions } = catalog.current();
    const target = resolve(dir);
    writeFaqFiles(target, faq, corpus);
    const edited = Object.entries(versions).filter(([, v]) => v > 0);
    process.stdout.write(`wrote ${target}/faq (${Object.keys(faq).length} answers) and ${target}/intents (zh, en); ${edited.length} topics differ from the seed: ${edited.map(([t, v]) => `${t} v${v}`).join(', ') || 'none'}\n`);
    faqCheck(target);
    return 0;
  } finally {
    await store.close();
  }
}

async function userAdd(args: string[]): Promise<number> {
  const [name, flag, role] = args;
  if (!name || flag !== '--role' || !ROLES.includes(role as Role)) {
    process.stderr.write('usage: npm run cli -- user add NAME --role agent|supervisor|admin (password on stdin)\n');
    return 2;
  }
  const config = loadConfig();
  if (!config.shared) {
    process.stderr.write(
      'Without REDIS_URL the service keeps accounts in its own memory, which this command cannot reach and which a restart empties.\n' +
        'On its first start without any account, the service prints a one-time setup link: open it to create the first admin in the console,\n' +
        'who then adds the others there. For real use set REDIS_URL (and TOKEN_SECRET) for the service and for this command.\n',
    );
    return 2;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let password = '';
  for await (const line of lines) {
    password = line;
    break;
  }
  const store = await createStore(config);
  try {
    const user = await addUser(store, { name, role: role as Role, password });
    process.stdout.write(`created ${user.name} (${user.role})\n`);
    return 0;
  } catch (err) {
    if (err instanceof AccountError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

/** The shared store the service uses, or why this command cannot reach one. */
async function sharedStore(): Promise<Awaited<ReturnType<typeof createStore>> | undefined> {
  const config = loadConfig();
  if (!config.shared) {
    process.stderr.write(
      'Without REDIS_URL the service keeps accounts in its own memory, which this command cannot reach: use the console (用户 tab).\n' +
        'For real use set REDIS_URL (and TOKEN_SECRET) for the service and for this command.\n',
    );
    return undefined;
  }
  return createStore(config);
}

async function userChange(action: 'disable' | 'enable' | 'reset', name: string | undefined): Promise<number> {
  if (!name) {
    process.stderr.write(`usage: npm run cli -- user ${action} NAME\n`);
    return 2;
  }
  const store = await sharedStore();
  if (!store) return 2;
  try {
    if (action === 'reset') {
      if (!(await store.getUser(name))) throw new AccountError(`no staff member named ${name}`);
      const url = await createResetLink(store, name);
      await store.appendAudit({ at: Date.now(), actor: 'command line', action: 'reset_link', detail: name });
      process.stdout.write(`one-time link for ${name} (valid 24 hours, once): <service address>${url}\n`);
    } else {
      await setDisabled(store, name, action === 'disable', Date.now());
      await store.appendAudit({ at: Date.now(), actor: 'command line', action: `${action}_user`, detail: name });
      process.stdout.write(`${name} ${action}d${action === 'disable' ? '; every session of the account has ended' : ''}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof AccountError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

async function run(args: string[]): Promise<number> {
  const [command, sub] = args;
  switch (command) {
    case 'user':
      if (sub === 'add') return userAdd(args.slice(2));
      if (sub === 'disable' || sub === 'enable' || sub === 'reset') return userChange(sub, args[2]);
      break;
    case 'classify':
      await classify();
      return 0;
    case 'converse':
      await converse();
      return 0;
    case 'faq':
      if (sub === 'check') {
        faqCheck(args[2] ? resolve(args[2]) : undefined);
        return 0;
      }
      if (sub === 'export') return faqExport(args[2]);
      break;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

run(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    const known = err instanceof DataFileError || (err instanceof Error && err.name === 'ConfigError');
    process.stderr.write(`${known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });

