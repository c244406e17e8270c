/**
 * The staff console's HTTP API (design.md): JSON, a cookie session, X-CSRF-Token on every write, roles, and an
 * audit entry for every opening of a transcript and every action on a chat (never its text). Conversations are
 * reached through the handoff only.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { addDays, localDate, startOfLocalDay } from '../core/dates.js';
import { OUTCOMES, type ConversationRecord } from '../core/record.js';
import { RISK_LEVELS, TOPIC_IDS } from '../core/types.js';
import { CONVERSATION_STATES } from '../core/conversation.js';
import type { FaqSet } from '../faq/schema.js';
import { buildReport, reportCsv } from '../handoff/report.js';
import type { Presence } from '../handoff/presence.js';
import type { Agent, Handoff } from '../handoff/service.js';
import { badInput, HttpError } from '../http/errors.js';
import { queryParam, type ClientInfo } from '../http/request.js';
import type { Logger } from '../log.js';
import { SIGNAL_LABELS } from '../safety/screen.js';
import type { StaffStore } from '../handoff/staff-store.js';
import type { ConsoleEvents } from './events.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';
import { body, createPublicRouter, createRouter, RANK, type Route } from './routes.js';
import type { Sessions, StaffSession } from './sessions.js';
import { newPublicId } from './accounts.js';
import { codeValid } from './two-factor.js';

/** Failed logins in this window slow the next attempts down, for the account and for the address. */
const LOGIN_WINDOW_SECONDS = 15 * 60;
/** Failures that cost nothing, then the delay doubles from DELAY_BASE_MS up to DELAY_MAX_MS. */
const FREE_FAILURES = 3;
const DELAY_BASE_MS = 500;
const DELAY_MAX_MS = 8000;
/** An opened transcript may be followed live (new messages only) for this long without a new audit entry. */
const VIEWING_SECONDS = 3600;

const login = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024), otp: z.string().max(12).optional() });
const text = z.object({ text: z.string().trim().min(1, 'text is empty').max(5000, 'text longer than 5,000 characters'), id: z.string().max(100).optional() });
const transfer = z.object({ to: z.string().min(1).max(64) });
// Days past 2099 would make the period's end (a day later) fall outside what Date can show.
const day = z.iso.date('must be a date like 2026-11-25').refine((d) => d >= '2000-01-01' && d <= '2099-12-31', 'must be between 2000 and 2099');
const period = z
  .object({ from: day, to: day })
  .refine((p) => p.from <= p.to, { message: 'must not be after to', path: ['from'] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 366 * 86_400_000, { message: 'at most 366 days', path: ['to'] });
const historyQuery = z
  .object({
    from: day,
    to: day,
    state: z.enum(CONVERSATION_STATES).optional(),
    risk: z.enum(RISK_LEVELS).optional(),
    topic: z.enum(TOPIC_IDS).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    q: z.string().max(100).optional(),
    cursor: z.coerce.number().int().min(0).optional(),
  })
  .refine((p) => p.from <= p.to, { message: 'must not be after to', path: ['from'] });
const resolve = z.object({
  outcome: z.enum(OUTCOMES),
  referrals: z.array(z.object({ id: z.string().max(100), name: z.string().max(200), kind: z.string().max(50) })).max(10).optional(),
  /** A safe callback she agreed to: the way and time stay in her record; the due time drives the callback list. */
  callback: z.object({ contactWay: z.string().trim().max(200).optional(), contactTime: z.string().trim().max(200).optional(), due: z.number().int().positive() }).optional(),
});

export interface ConsoleDeps {
  store: StaffStore;
  handoff: Handoff;
  presence: Presence;
  sessions: Sessions;
  events: ConsoleEvents;
  client: ClientInfo;
  faq: () => FaqSet;
  /** Report days are calendar days here. */
  timeZone: string;
  log: Logger;
  clock: () => number;
  route: Route;
  /** How a slowed-down login waits (tests see the delays instead of waiting them out). */
  sleep?: (ms: number) => Promise<void>;
}

export function agentOf(s: StaffSession): Agent {
  return { name: s.user.name, displayName: s.user.displayName, publicId: s.user.publicId, mayReassign: RANK[s.user.role] >= RANK.supervisor };
}

export const reasons = (signals: string[]) => signals.map((s) => SIGNAL_LABELS[s]?.zh ?? s);

/** A chat as a list shows it (no text). */
export function summary(r: ConversationRecord) {
  return {
    id: r.id,
    state: r.state,
    risk: r.risk,
    signals: r.signals,
    reasons: reasons(r.signals),
    topic: r.topic ?? null,
    assignee: r.assignee ?? null,
    startedAt: r.createdAt,
    lastAt: r.updatedAt,
    updatedAt: r.updatedAt,
    outcome: r.resolution?.outcome ?? null,
  };
}

/** May this staff member read this chat? An agent: the queue, and chats she holds or has held; others: all. */
export function mayRead(session: StaffSession, record: ConversationRecord): boolean {
  if (session.user.role !== 'agent') return true;
  return record.state === 'queued' || record.assignee === session.user.name || record.heldBy.includes(session.user.name);
}

export function mountConsoleApi(server: Server, deps: ConsoleDeps): void {
  const { store, handoff, sessions, log, clock, route } = deps;
  const publicRoute = createPublicRouter(server, deps);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const audit = (actor: string, action: string, conversationId?: string, detail?: string) =>
    store.appendAudit({ at: clock(), actor, action, ...(conversationId ? { conversationId } : {}), ...(detail ? { detail } : {}) });

  async function failures(key: string): Promise<number> {
    return Number((await store.getSession(`login-failures:${key}`)) ?? 0);
  }

  publicRoute('post', '/console/api/session', async (req, res) => {
    const { username, password, otp } = await body(req, login);
    const address = deps.client.address(req);
    const keys = [`user:${username}`, `addr:${address}`];
    // A progressive delay instead of a lockout: guessing gets slow, and the real user can still get in.
    const failed = Math.max(await failures(keys[0]!), Math.floor((await failures(keys[1]!)) / 3));
    if (failed > FREE_FAILURES) await sleep(Math.min(DELAY_MAX_MS, DELAY_BASE_MS * 2 ** (failed - FREE_FAILURES - 1)));
    const user = await store.getUser(username);
    // The same work whether or not the name exists: the time of the answer tells nothing.
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (passwordOk && user?.totpSecret && !otp) throw new HttpError(401, 'the code from your authenticator app is needed', { twoFactor: 'code' });
    const ok = passwordOk && (!user?.totpSecret || codeValid(user.name, user.totpSecret, otp));
    if (!ok || !user || user.disabled) {
      // Only failures count; the window starts again with each one.
      await Promise.all(keys.map(async (k) => store.putSession(`login-failures:${k}`, (await failures(k)) + 1, LOGIN_WINDOW_SECONDS)));
      await audit(user ? user.name : '(unknown)', 'login_failed');
      log.warn({ event: 'login_failed' }, 'console login failed');
      throw new HttpError(401, 'wrong user name or password');
    }
    let current = user;
    if (needsRehash(user.passwordHash) || !user.publicId) {
      current = { ...user, passwordHash: needsRehash(user.passwordHash) ? await hashPassword(password) : user.passwordHash, publicId: user.publicId ?? newPublicId() };
      await store.putUser(current);
    }
    const session = await sessions.create(req, res, current);
    await deps.presence.mark();
    await audit(user.name, 'login');
    res.send(200, { user: { name: user.name, displayName: user.displayName, role: user.role, twoFactor: Boolean(user.totpSecret) }, csrfToken: session.csrfToken, setupTwoFactor: session.needsTwoFactor });
  });

  // Who is logged in: the page uses it to come back after a reload without a new login.
  route('get', '/console/api/session', 'agent', async (_req, res, session) => {
    res.send(200, { user: { name: session.user.name, displayName: session.user.displayName, role: session.user.role }, csrfToken: session.csrfToken, setupTwoFactor: session.needsTwoFactor });
  });

  route('del', '/console/api/session', 'agent', async (req, res) => {
    await sessions.destroy(req, res);
    res.send(204);
  });

  route('get', '/console/api/queue', 'agent', async (_req, res) => {
    res.send(200, {
      items: (await handoff.queue()).map((q) => ({
        id: q.conversationId,
        risk: q.risk,
        signals: q.signals,
        // The reasons in words, so she sees at once why a chat is at the top.
        reasons: reasons(q.signals),
        topic: q.topic,
        waitingSince: q.waitingSince,
        position: q.position,
        offline: q.offline ?? false,
      })),
    });
  });

  // Chats a person holds now: an agent sees her own, a supervisor every one.
  route('get', '/console/api/conversations/held', 'agent', async (_req, res, session) => {
    res.send(200, { items: (await handoff.held(agentOf(session))).map(summary) });
  });

  // Case history: past and present chats, searched; supervisors every chat, an agent those she held.
  route('get', '/console/api/conversations', 'agent', async (req, res, session) => {
    const today = localDate(clock(), deps.timeZone);
    const query = historyQuery.safeParse({
      from: queryParam(req, 'from') ?? addDays(today, -29),
      to: queryParam(req, 'to') ?? today,
      state: queryParam(req, 'state') || undefined,
      risk: queryParam(req, 'risk') || undefined,
      topic: queryParam(req, 'topic') || undefined,
      outcome: queryParam(req, 'outcome') || undefined,
      q: queryParam(req, 'q')?.trim() || undefined,
      cursor: queryParam(req, 'cursor') || undefined,
    });
    if (!query.success) throw badInput(query.error, 'query');
    const q = query.data;
    const page = await handoff.history(
      agentOf(session),
      { from: startOfLocalDay(q.from, deps.timeZone), to: startOfLocalDay(addDays(q.to, 1), deps.timeZone), state: q.state, risk: q.risk, topic: q.topic, outcome: q.outcome, id: q.q },
      q.cursor ?? 0,
    );
    res.send(200, { items: page.items.map(summary), next: page.next === null ? null : String(page.next) });
  });

  async function readable(req: Request, session: StaffSession): Promise<ConversationRecord> {
    const record = await handoff.get(String(req.params.id));
    if (!record) throw new HttpError(404, 'no such conversation');
    if (!mayRead(session, record)) throw new HttpError(403, 'this chat is not yours');
    return record;
  }

  const messagesOf = async (id: string, after = 0) =>
    (await handoff.messages(id, after)).filter((e) => e.text !== undefined).map((e) => ({ seq: e.seq, from: e.from, author: authorOf(e.activity), text: e.text, at: e.at }));

  // Opening a transcript: audited once; while she keeps it open, new messages come without a new entry.
  route('get', '/console/api/conversations/:id', 'agent', async (req, res, session) => {
    const record = await readable(req, session);
    const after = Number(queryParam(req, 'after') ?? NaN);
    const viewing = `viewing:${session.csrfToken}:${record.id}`;
    if (Number.isInteger(after) && after >= 0 && (await store.getSession(viewing)) !== undefined) {
      res.send(200, { id: record.id, state: record.state, risk: record.risk, signals: record.signals, reasons: reasons(record.signals), assignee: record.assignee ?? null, messages: await messagesOf(record.id, after), notes: record.notes });
      return;
    }
    await audit(session.user.name, 'open_transcript', record.id);
    await store.putSession(viewing, 1, VIEWING_SECONDS);
    res.send(200, {
      ...summary(record),
      reasons: reasons(record.signals),
      locale: record.locale,
      callback: record.callback ?? null,
      resolution: record.resolution ?? null,
      messages: await messagesOf(record.id),
      notes: record.notes,
    });
  });

  route('post', '/console/api/conversations/:id/claim', 'agent', async (req, res, session) => {
    const record = await handoff.claim(String(req.params.id), agentOf(session));
    await audit(session.user.name, 'claim', record.id);
    res.send(200, { id: record.id, state: record.state, assignee: record.assignee });
  });

  route('post', '/console/api/conversations/:id/messages', 'agent', async (req, res, session) => {
    const { text: message, id } = await body(req, text);
    const conversationId = String(req.params.id);
    await handoff.agentMessage(conversationId, agentOf(session), message, id ? `agent:${conversationId}:${id}` : randomUUID());
    await audit(session.user.name, 'reply', conversationId);
    res.send(201, { ok: true });
  });

  route('post', '/console/api/conversations/:id/typing', 'agent', async (req, res, session) => {
    await handoff.agentTyping(String(req.params.id), agentOf(session));
    res.send(204);
  });

  route('post', '/console/api/conversations/:id/notes', 'agent', async (req, res, session) => {
    const { text: note } = await body(req, text);
    const conversationId = String(req.params.id);
    // Internal notes live in the record, never in the transcript her channel reads; the holder writes them.
    await handoff.addNote(conversationId, agentOf(session), note);
    await audit(session.user.name, 'note', conversationId);
    res.send(201, { ok: true });
  });

  route('post', '/console/api/conversations/:id/release', 'agent', async (req, res, session) => {
    const record = await handoff.release(String(req.params.id), agentOf(session));
    await audit(session.user.name, 'release', record.id);
    res.send(200, { id: record.id, state: record.state });
  });

  route('post', '/console/api/conversations/:id/resolve', 'agent', async (req, res, session) => {
    const input = await body(req, resolve);
    const record = await handoff.resolve(String(req.params.id), agentOf(session), input.outcome, {
      referrals: input.referrals,
      callback: input.callback,
    });
    await audit(session.user.name, 'resolve', record.id, input.outcome);
    res.send(200, { id: record.id, state: record.state });
  });

  route('post', '/console/api/conversations/:id/transfer', 'agent', async (req, res, session) => {
    const { to } = await body(req, transfer);
    const target = await store.getUser(to);
    if (!target || target.disabled) throw new HttpError(400, `to: no staff member named ${to}`);
    const record = await handoff.transfer(String(req.params.id), agentOf(session), { name: target.name, displayName: target.displayName, publicId: target.publicId ?? '' });
    await audit(session.user.name, 'transfer', record.id, `to ${target.name}`);
    res.send(200, { id: record.id, state: record.state, assignee: record.assignee });
  });

  route('get', '/console/api/events', 'agent', async (req, res) => {
    await deps.events.open(req, res, async () => (await sessions.get(req)) !== undefined);
  });

  // The supervisors' dashboard for a period of calendar days (inclusive), in the hotline's time zone.
  async function periodReport(req: Request) {
    const today = localDate(clock(), deps.timeZone);
    const query = period.safeParse({ from: queryParam(req, 'from') ?? addDays(today, -6), to: queryParam(req, 'to') ?? today });
    if (!query.success) throw badInput(query.error, 'period');
    const { from, to } = query.data;
    const start = startOfLocalDay(from, deps.timeZone);
    const end = startOfLocalDay(addDays(to, 1), deps.timeZone);
    return { report: buildReport(await store.listStats(start, end), await handoff.queue(), start, end, clock()), from, to };
  }

  route('get', '/console/api/dashboard', 'supervisor', async (req, res) => {
    const { report, from, to } = await periodReport(req);
    res.send(200, { ...report, fromDate: from, toDate: to, timeZone: deps.timeZone });
  });

  // The same figures as a CSV file: codes and counts only, no text of any chat.
  route('get', '/console/api/dashboard.csv', 'supervisor', async (req, res) => {
    const { report, from, to } = await periodReport(req);
    res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="hotline-${from}-${to}.csv"` });
    res.end(reportCsv(report, from, to));
  });

  route('get', '/console/api/audit', 'supervisor', async (_req, res) => {
    res.send(200, { entries: await store.listAudit({ limit: 500 }) });
  });

  route('get', '/console/api/topics', 'agent', async (_req, res) => {
    const faq = deps.faq();
    res.send(200, { items: TOPIC_IDS.map((t) => ({ id: t, zh: faq[t].zh.title, en: faq[t].en.title })), signals: SIGNAL_LABELS });
  });
}

/** Who wrote an entry, as staff see it: her, the bot, or a staff member by display name. */
function authorOf(activity: Record<string, unknown> | undefined): string | undefined {
  const from = activity?.from as { name?: unknown; role?: unknown } | undefined;
  return typeof from?.name === 'string' ? from.name : undefined;
}
