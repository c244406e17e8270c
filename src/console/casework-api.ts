/**
 * The work around a chat: the referral directory (find a partner, send it to her in one step) and the staff's
 * snippets (admins edit both, with versions), callbacks and follow-up, and a printable transcript for a case file.
 */
import { z } from 'zod';
import { CALLBACK_RESULTS, type ConversationRecord } from '../core/record.js';
import { DAY_MS } from '../core/dates.js';
import { DirectoryConflictError, DirectoryValidationError, referralText, REFERRAL_KINDS, type Referral, type Snippet, type VersionedList } from '../faq/directory.js';
import type { FaqSet } from '../faq/schema.js';
import type { Handoff } from '../handoff/service.js';
import { HttpError } from '../http/errors.js';
import { queryParam } from '../http/request.js';
import { agentOf, mayRead, reasons } from './api.js';
import { body, type Route } from './routes.js';
import type { StaffStore } from '../handoff/staff-store.js';

export interface CaseworkDeps {
  store: StaffStore;
  handoff: Handoff;
  referrals: VersionedList<Referral>;
  /** The seed file says its partners are an example to replace. */
  referralsExample: boolean;
  snippets: VersionedList<Snippet>;
  faq: () => FaqSet;
  retentionDays: number;
  clock: () => number;
  route: Route;
}

const listBody = z.object({ version: z.number({ error: 'required: the version you started from' }).int().min(0), items: z.unknown() });
const sendReferral = z.object({ id: z.string().min(1).max(60) });
const done = z.object({ result: z.enum(CALLBACK_RESULTS) });

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function saveErrors(err: unknown): never {
  if (err instanceof DirectoryValidationError) throw new HttpError(400, err.message, { field: err.field });
  if (err instanceof DirectoryConflictError) throw new HttpError(409, err.message);
  throw err;
}

export function mountCaseworkApi({ store, handoff, referrals, referralsExample, snippets, faq, retentionDays, clock, route }: CaseworkDeps): void {
  const audit = (actor: string, action: string, conversationId?: string, detail?: string) =>
    store.appendAudit({ at: clock(), actor, action, ...(conversationId ? { conversationId } : {}), ...(detail ? { detail } : {}) });

  route('get', '/console/api/referrals', 'agent', async (req, res) => {
    const kind = queryParam(req, 'kind') || undefined;
    const district = queryParam(req, 'district')?.trim() || undefined;
    if (kind && !(REFERRAL_KINDS as readonly string[]).includes(kind)) throw new HttpError(400, `kind: one of ${REFERRAL_KINDS.join(', ')}`, { field: 'kind' });
    const current = await referrals.current();
    const items = current.items.filter((r) => (!kind || r.kind === kind) && (!district || r.district.includes(district) || r.district === '全市'));
    res.send(200, { items, version: current.version, example: referralsExample && current.version === 0, kinds: REFERRAL_KINDS });
  });

  route('put', '/console/api/referrals', 'admin', async (req, res, session) => {
    const input = await body(req, listBody, 512 * 1024);
    const saved = await referrals.save(input.version, input.items, session.user.name, clock()).catch(saveErrors);
    await audit(session.user.name, 'referrals_save', undefined, `v${saved.version}`);
    res.send(200, saved);
  });

  route('get', '/console/api/referrals/versions', 'admin', async (_req, res) => {
    res.send(200, { items: (await referrals.versions()).map((v) => ({ version: v.version, at: v.at, author: v.author, count: v.items.length })) });
  });

  // One step: the partner goes to her as a message in her language, and into the chat's outcome.
  route('post', '/console/api/conversations/:id/referrals', 'agent', async (req, res, session) => {
    const { id } = await body(req, sendReferral);
    const referral = (await referrals.current()).items.find((r) => r.id === id);
    if (!referral) throw new HttpError(400, `id: no partner ${id}`, { field: 'id' });
    const conversationId = String(req.params.id);
    const record = await handoff.get(conversationId);
    if (!record) throw new HttpError(404, 'no such conversation');
    await handoff.sendReferral(conversationId, agentOf(session), { id: referral.id, name: referral.name.zh, kind: referral.kind }, referralText(referral, record.locale));
    await audit(session.user.name, 'send_referral', conversationId, referral.id);
    res.send(201, { ok: true });
  });

  // Canned replies: the FAQ's answers and the staff's own snippets, both languages (the page offers hers first).
  route('get', '/console/api/canned', 'agent', async (_req, res) => {
    const current = await snippets.current();
    res.send(200, {
      items: Object.values(faq()).filter((e) => e.intent !== 'out_of_scope').map((e) => ({ topic: e.intent, zh: e.zh, en: e.en })),
      snippets: current.items,
      snippetsVersion: current.version,
    });
  });

  route('put', '/console/api/snippets', 'admin', async (req, res, session) => {
    const input = await body(req, listBody, 512 * 1024);
    const saved = await snippets.save(input.version, input.items, session.user.name, clock()).catch(saveErrors);
    await audit(session.user.name, 'snippets_save', undefined, `v${saved.version}`);
    res.send(200, saved);
  });

  // Callbacks: codes and times only here; her words (a safe number, a time) are in the chat, read with an audit.
  route('get', '/console/api/callbacks', 'agent', async (_req, res, session) => {
    const now = clock();
    const items = await handoff.callbacks(agentOf(session), now - retentionDays * DAY_MS);
    res.send(200, {
      items: items.map((r) => ({
        id: r.id,
        due: r.callback!.due,
        overdue: r.callback!.state === 'open' && !r.callback!.doNotContact && r.callback!.due <= now,
        kind: r.callback!.kind,
        state: r.callback!.state,
        doNotContact: r.callback!.doNotContact,
        result: r.callback!.result ?? null,
        risk: r.risk,
        reasons: reasons(r.signals),
        locale: r.locale,
      })),
    });
  });

  route('post', '/console/api/callbacks/:id/done', 'agent', async (req, res, session) => {
    const { result } = await body(req, done);
    const id = String(req.params.id);
    const record = await handoff.get(id);
    if (!record?.callback) throw new HttpError(404, 'no such callback');
    if (!mayRead(session, record) && record.heldBy.length > 0) throw new HttpError(403, 'this chat is not yours');
    await handoff.callbackDone(id, agentOf(session), result);
    await audit(session.user.name, 'callback_done', id, result);
    res.send(200, { ok: true });
  });

  // A printable transcript for a case file, audited; internal notes only when asked for.
  route('get', '/console/api/conversations/:id/export', 'agent', async (req, res, session) => {
    const record = await handoff.get(String(req.params.id));
    if (!record) throw new HttpError(404, 'no such conversation');
    if (!mayRead(session, record)) throw new HttpError(403, 'this chat is not yours');
    const withNotes = queryParam(req, 'notes') === '1';
    await audit(session.user.name, 'export_transcript', record.id, withNotes ? 'with notes' : undefined);
    const messages = (await handoff.messages(record.id)).filter((e) => e.text !== undefined);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Disposition': `inline; filename="chat-${record.id}.html"` });
    res.end(exportHtml(record, messages, withNotes, session.user.displayName, clock()));
  });
}

const WHO: Record<string, string> = { user: '求助人', bot: '自动助手', agent: '工作人员', system: '系统' };

function exportHtml(record: ConversationRecord, messages: { from: string; at: number; text?: string | undefined; activity?: Record<string, unknown> | undefined }[], withNotes: boolean, by: string, now: number): string {
  const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
  const rows = messages
    .map((m) => {
      const name = (m.activity?.from as { name?: string } | undefined)?.name;
      const who = m.from === 'agent' && name ? `${WHO.agent}（${name}）` : (WHO[m.from] ?? m.from);
      return `<tr><td class="t">${time(m.at)}</td><td class="w">${escapeHtml(who)}</td><td>${escapeHtml(m.text ?? '').replace(/\n/g, '<br>')}</td></tr>`;
    })
    .join('\n');
  const notes = withNotes && record.notes.length
    ? `<h2>内部备注</h2><ul>${record.notes.map((n) => `<li>${time(n.at)} ${escapeHtml(n.by)}：${escapeHtml(n.text)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>对话记录 ${escapeHtml(record.id)}</title>
<style>body{font-family:"WenQuanYi Zen Hei",sans-serif;margin:2em;color:#000}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ccc;padding:4px;vertical-align:top}.t{white-space:nowrap;width:9em}.w{white-space:nowrap;width:10em}@media print{body{margin:0}a{display:none}}</style></head>
<body><h1>对话记录</h1><p>编号 ${escapeHtml(record.id)} · 开始 ${time(record.createdAt)} · 风险 ${escapeHtml(record.risk)} · 结果 ${escapeHtml(record.resolution?.outcome ?? '—')}</p>
<p>导出人 ${escapeHtml(by)} · ${time(now)}（时间为 UTC）。本记录含个人信息，请按案卷保密规定保管。</p>
<table>${rows}</table>${notes}</body></html>`;
}
