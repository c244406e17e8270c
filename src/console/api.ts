/**
 * The staff console's HTTP API (design.md): JSON, a cookie session, X-CSRF-Token on every write, roles, and an
 * audit entry for every opening of a transcript.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Conversations } from '../handoff/conversations.js';
import type { Handoff } from '../handoff/service.js';
import type { Logger } from '../log.js';
import { SIGNAL_LABELS } from '../safety/screen.js';
import type { Store } from '../store/store.js';
import { clientAddress, queryParam } from '../channels/http-util.js';
import { addDays, localDate, startOfLocalDay } from '../core/dates.js';
import { buildReport } from '../handoff/report.js';
import { securityHeaders } from '../channels/widget.js';
import { AccountError, addUser, ROLES } from './accounts.js';
import type { FaqSet } from '../faq/schema.js';
import { verifyPassword } from './passwords.js';
import type { Sessions, StaffSession } from './sessions.js';
import type { ConsoleEvents } from './events.js';
import { API_CSP, badInput, body, createRouter, HttpError, PRESENCE_KEY, PRESENCE_SECONDS, RANK, sendError } from './routes.js';

const LOGIN_ATTEMPTS = 10;
const LOGIN_WINDOW_SECONDS = 15 * 60;

const login = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const text = z.object({ text: z.string().trim().min(1, 'text is empty').max(5000, 'text longer than 5,000 characters') });
const transfer = z.object({ to: z.string().min(1).max(64) });
const OUTCOMES = ['information_given', 'referred_police', 'referred_court', 'referred_shelter', 'referred_legal_aid', 'referred_counselling', 'referred_hospital', 'follow_up_agreed', 'safe_callback_consented'] as const;
const newUser = z.object({ name: z.string(), displayName: z.string().max(64).optional(), role: z.enum(ROLES), password: z.string().max(1024) });
const day = z.iso.date('must be a date like 2026-11-25');
const period = z
  .object({ from: day, to: day })
  .refine((p) => p.from <= p.to, { message: 'must not be after to', path: ['from'] })
  .refine((p) => Date.parse(p.to) - Date.parse(p.from) <= 366 * 86_400_000, { message: 'at most 366 days', path: ['to'] });
const resolve = z.object({ outcome: z.enum(OUTCOMES), safeCallbackTime: z.string().max(200).optional() });

export interface ConsoleDeps {
  store: Store;
  conversations: Conversations;
  handoff: Handoff;
  sessions: Sessions;
  events: ConsoleEvents;
  faq: () => FaqSet;
  /** Report days are calendar days here. */
  timeZone: string;
  log: Logger;
  clock: () => number;
}

export function mountConsoleApi(server: Server, deps: ConsoleDeps): void {
  const { store, conversations, handoff, sessions, log, clock } = deps;

  const route = createRouter(server, deps);

  server.post('/console/api/session', async (req: Request, res: Response) => {
    securityHeaders(res, API_CSP);
    try {
      const { username, password } = await body(req, login);
      const byUser = await store.incrementCounter(`login:user:${username}`, LOGIN_WINDOW_SECONDS);
      const byAddress = await store.incrementCounter(`login:addr:${clientAddress(req)}`, LOGIN_WINDOW_SECONDS);
      if (byUser > LOGIN_ATTEMPTS || byAddress > LOGIN_ATTEMPTS * 3) throw new HttpError(429, 'too many attempts; wait 15 minutes');
      const user = await store.getUser(username);
      const ok = user && !user.disabled && (await verifyPassword(password, user.passwordHash));
      if (!ok || !user) {
        log.warn({ event: 'login_failed' }, 'console login failed');
        throw new HttpError(401, 'wrong user name or password');
      }
      const session = await sessions.create(res, user);
      await store.putSession(PRESENCE_KEY, { at: clock() }, PRESENCE_SECONDS);
      await store.appendAudit({ at: clock(), actor: user.name, action: 'login' });
      res.send(200, { user: { name: user.name, role: user.role }, csrfToken: session.csrfToken });
    } catch (err) {
      sendError(res, err, log);
    }
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
        reasons: q.signals.map((s) => SIGNAL_LABELS[s]?.zh ?? s),
        topic: q.topic,
        waitingSince: q.waitingSince,
        position: q.position,
      })),
    });
  });

  // Chats a person holds now: an agent sees her own, a supervisor every one.
  route('get', '/console/api/conversations', 'agent', async (_req, res, session) => {
    const everyone = RANK[session.user.role] >= RANK.supervisor;
    const held = (await store.listHeld()).filter((r) => everyone || r.assignee === session.user.name);
    res.send(200, {
      items: held
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .map((r) => ({ id: r.id, state: r.state, risk: r.risk, signals: r.signals, reasons: r.signals.map((s) => SIGNAL_LABELS[s]?.zh ?? s), topic: r.topic ?? null, assignee: r.assignee ?? null, updatedAt: r.updatedAt })),
    });
  });

  route('get', '/console/api/conversations/:id', 'agent', async (req, res, session) => {
    const id = String(req.params.id);
    const record = await conversations.get(id);
    if (!record) throw new HttpError(404, 'no such conversation');
    // An agent sees the queue and her own chats; supervisors and admins see every chat.
    const mine = record.assignee === session.user.name;
    if (session.user.role === 'agent' && !mine && record.state !== 'queued') throw new HttpError(403, 'this chat is not yours');
    await store.appendAudit({ at: clock(), actor: session.user.name, action: 'open_transcript', conversationId: id });
    const messages = (await store.readMessages(id)).filter((e) => e.text !== undefined).map((e) => ({ seq: e.seq, from: e.from, text: e.text, at: e.at }));
    res.send(200, { id, state: record.state, risk: record.risk, signals: record.signals, assignee: record.assignee ?? null, messages, notes: (record.meta.notes as unknown[]) ?? [] });
  });

  const agentOf = (s: StaffSession) => ({ name: s.user.name, displayName: s.user.displayName, mayReassign: RANK[s.user.role] >= RANK.supervisor });

  route('post', '/console/api/conversations/:id/claim', 'agent', async (req, res, session) => {
    const record = await handoff.claim(String(req.params.id), agentOf(session));
    res.send(200, { id: record.id, state: record.state, assignee: record.assignee });
  });

  route('post', '/console/api/conversations/:id/messages', 'agent', async (req, res, session) => {
    const { text: message } = await body(req, text);
    await handoff.agentMessage(String(req.params.id), agentOf(session), message);
    res.send(201, { ok: true });
  });

  route('post', '/console/api/conversations/:id/notes', 'agent', async (req, res, session) => {
    const { text: note } = await body(req, text);
    const id = String(req.params.id);
    if (!(await conversations.get(id))) throw new HttpError(404, 'no such conversation');
    // Internal notes live in the record, never in the log the user's channel reads.
    await conversations.mutate(id, (r) => ({ next: { ...r, meta: { ...r.meta, notes: [...((r.meta.notes as unknown[]) ?? []), { by: session.user.name, at: clock(), text: note }] } } }));
    res.send(201, { ok: true });
  });

  route('post', '/console/api/conversations/:id/release', 'agent', async (req, res, session) => {
    const record = await handoff.release(String(req.params.id), agentOf(session));
    res.send(200, { id: record.id, state: record.state });
  });

  route('post', '/console/api/conversations/:id/resolve', 'agent', async (req, res, session) => {
    const { outcome, safeCallbackTime } = await body(req, resolve);
    const record = await handoff.resolve(String(req.params.id), agentOf(session), safeCallbackTime ? `${outcome} (${safeCallbackTime})` : outcome);
    res.send(200, { id: record.id, state: record.state });
  });

  route('post', '/console/api/conversations/:id/transfer', 'agent', async (req, res, session) => {
    const { to } = await body(req, transfer);
    const target = await store.getUser(to);
    if (!target || target.disabled) throw new HttpError(400, `to: no staff member named ${to}`);
    const record = await handoff.transfer(String(req.params.id), agentOf(session), { name: target.name, displayName: target.displayName });
    res.send(200, { id: record.id, state: record.state, assignee: record.assignee });
  });

  route('get', '/console/api/events', 'agent', async (req, res) => {
    deps.events.open(req, res);
  });

  // Canned replies: the current FAQ answers, in both languages, for the agent to adapt.
  route('get', '/console/api/canned', 'agent', async (_req, res) => {
    res.send(200, { items: Object.values(deps.faq()).filter((e) => e.intent !== 'out_of_scope').map((e) => ({ topic: e.intent, zh: e.zh, en: e.en })) });
  });

  route('post', '/console/api/users', 'admin', async (req, res, session) => {
    const input = await body(req, newUser);
    try {
      const user = await addUser(store, input, clock());
      await store.appendAudit({ at: clock(), actor: session.user.name, action: 'add_user', detail: `${user.name} (${user.role})` });
      res.send(201, { name: user.name, displayName: user.displayName, role: user.role });
    } catch (err) {
      if (err instanceof AccountError) throw new HttpError(400, err.message);
      throw err;
    }
  });

  // The supervisors' dashboard for a period of calendar days (inclusive), in the hotline's time zone.
  route('get', '/console/api/dashboard', 'supervisor', async (req, res) => {
    const today = localDate(clock(), deps.timeZone);
    const query = period.safeParse({ from: queryParam(req, 'from') ?? addDays(today, -6), to: queryParam(req, 'to') ?? today });
    if (!query.success) throw badInput(query.error, 'period');
    const { from, to } = query.data;
    const start = startOfLocalDay(from, deps.timeZone);
    const end = startOfLocalDay(addDays(to, 1), deps.timeZone);
    const report = buildReport(await store.listStats(start, end), (await store.listQueue()).map((q) => q.item), start, end, clock());
    res.send(200, { ...report, fromDate: from, toDate: to, timeZone: deps.timeZone });
  });

  route('get', '/console/api/users', 'admin', async (_req, res) => {
    const users = await store.listUsers();
    res.send(200, { items: users.map((u) => ({ name: u.name, displayName: u.displayName, role: u.role, createdAt: u.createdAt, disabled: u.disabled ?? false })) });
  });

  route('get', '/console/api/audit', 'supervisor', async (_req, res) => {
    res.send(200, { entries: await store.listAudit({ limit: 500 }) });
  });
}
