/**
 * The FAQ editor's API (admins only): list, read, preview, save as a new version, versions, diff, roll back,
 * mark reviewed. A save made on an old version is refused with 409 and the other admin's change.
 */
import type { Request } from 'restify';
import { z } from 'zod';
import { isTopicId, LOCALES, type TopicId } from '../core/types.js';
import { FaqConflictError, FaqVersionNotFoundError, type FaqCatalog, type FaqVersionView } from '../faq/catalog.js';
import { applyEdit, FaqValidationError, parseEdit, type FaqDocument } from '../faq/document.js';
import { renderAnswer } from '../faq/render.js';
import { reviewOverdue } from '../faq/review.js';
import { localDate } from '../core/dates.js';
import type { StaffStore } from '../handoff/staff-store.js';
import { queryParam } from '../http/request.js';
import { diffDocuments } from './faq-diff.js';
import { HttpError } from '../http/errors.js';
import { body, type Route } from './routes.js';

export interface FaqApiDeps {
  catalog: FaqCatalog;
  store: StaffStore;
  /** Whether a newer model is still training (the old one answers meanwhile). */
  training: () => boolean;
  reviewMonths: number;
  timeZone: string;
  clock: () => number;
}

/** An answer with hundreds of training sentences in two languages is larger than a chat message. */
const FAQ_BODY = 1024 * 1024;
const version = z.number({ error: 'required: the version you started from' }).int().min(0);
const saveBody = z.object({ version }).loose();
const rollbackBody = z.object({ version, to: z.number().int().min(0) });
const reviewedBody = z.object({ version });

function topic(req: Request): TopicId {
  const id = String(req.params.intent);
  if (!isTopicId(id)) throw new HttpError(404, `no topic ${id}`);
  return id;
}

export function mountFaqApi(route: Route, deps: FaqApiDeps): void {
  const { catalog, store, clock } = deps;
  const today = () => localDate(clock(), deps.timeZone);

  /** Domain errors as HTTP: a bad field is 400 naming it, a lost race is 409 with what the other admin changed. */
  async function translate<T>(intent: TopicId, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof FaqValidationError) throw new HttpError(400, err.message, { field: err.field });
      if (err instanceof FaqVersionNotFoundError) throw new HttpError(404, err.message);
      if (err instanceof FaqConflictError) {
        const from = await catalog.version(intent, err.base).catch(() => undefined);
        const changes = from ? diffDocuments(from.doc, err.current.doc) : [];
        throw new HttpError(409, err.message, { current: editable(err.current), changes });
      }
      throw err;
    }
  }
  const editable = (view: FaqVersionView) => {
    const { entry, utterances } = view.doc;
    return {
      intent: entry.intent,
      version: view.version,
      followUps: entry.followUps,
      zh: entry.zh,
      en: entry.en,
      utterances,
      lastReviewed: entry.lastReviewed,
      reviewer: entry.reviewer,
      overdue: reviewOverdue(entry.lastReviewed, today(), deps.reviewMonths),
      at: view.at,
      author: view.author,
      note: view.note ?? null,
    };
  };

  route('get', '/console/api/faq', 'admin', async (_req, res) => {
    const { faq, versions } = catalog.current();
    const items = Object.values(faq).map((e) => ({
      intent: e.intent,
      version: versions[e.intent],
      zh: { title: e.zh.title },
      en: { title: e.en.title },
      lastReviewed: e.lastReviewed,
      reviewer: e.reviewer,
      overdue: reviewOverdue(e.lastReviewed, today(), deps.reviewMonths),
    }));
    res.send(200, { reviewMonths: deps.reviewMonths, training: deps.training(), items });
  });

  route('get', '/console/api/faq/:intent', 'admin', async (req, res) => {
    res.send(200, editable(await catalog.get(topic(req))));
  });

  route('put', '/console/api/faq/:intent', 'admin', async (req, res, session) => {
    const intent = topic(req);
    const input = await body(req, saveBody, FAQ_BODY);
    const saved = await translate(intent, () => catalog.save(intent, input.version, parseEdit(input), session.user.name));
    await store.appendAudit({ at: clock(), actor: session.user.name, action: 'faq_save', detail: `${intent} v${saved.version}` });
    res.send(200, editable(saved));
  });

  // The answer as she will see it, in both languages, before anything is saved.
  route('post', '/console/api/faq/:intent/preview', 'admin', async (req, res) => {
    const intent = topic(req);
    const input = await body(req, z.object({}).loose(), FAQ_BODY);
    const doc: FaqDocument = await translate(intent, async () => applyEdit(intent, (await catalog.get(intent)).doc.entry, parseEdit(input)));
    const faq = { ...catalog.current().faq, [intent]: doc.entry };
    res.send(200, Object.fromEntries(LOCALES.map((l) => [l, renderAnswer(faq, doc.entry, l)])));
  });

  route('get', '/console/api/faq/:intent/versions', 'admin', async (req, res) => {
    const versions = await catalog.versions(topic(req));
    res.send(200, { items: versions.map((v) => ({ version: v.version, at: v.at, author: v.author, note: v.note ?? null })) });
  });

  route('get', '/console/api/faq/:intent/diff', 'admin', async (req, res) => {
    const intent = topic(req);
    const query = z
      .object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) })
      .safeParse({ from: queryParam(req, 'from'), to: queryParam(req, 'to') });
    if (!query.success) throw new HttpError(400, 'from and to: version numbers are required');
    const [from, to] = await translate(intent, () => Promise.all([catalog.version(intent, query.data.from), catalog.version(intent, query.data.to)]));
    res.send(200, { from: from.version, to: to.version, changes: diffDocuments(from.doc, to.doc) });
  });

  route('post', '/console/api/faq/:intent/rollback', 'admin', async (req, res, session) => {
    const intent = topic(req);
    const input = await body(req, rollbackBody);
    const saved = await translate(intent, () => catalog.rollback(intent, input.version, input.to, session.user.name));
    await store.appendAudit({ at: clock(), actor: session.user.name, action: 'faq_rollback', detail: `${intent} v${input.to} -> v${saved.version}` });
    res.send(200, editable(saved));
  });

  route('post', '/console/api/faq/:intent/reviewed', 'admin', async (req, res, session) => {
    const intent = topic(req);
    const input = await body(req, reviewedBody);
    const saved = await translate(intent, () => catalog.markReviewed(intent, input.version, session.user.name, session.user.displayName, today()));
    res.send(200, editable(saved));
  });
}
