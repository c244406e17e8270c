/**
 * The 48 scripted dialogs of `dialogs.jsonl` (24 zh, 24 en), each played as a woman using the widget plays it: a
 * Direct Line conversation of her own (opened as the widget opens it, in Chinese), her messages posted one by one, and
 * what she receives read back from the conversation's activities. Played twice: with staff online and with nobody
 * online. What is judged is what the issue "What the bot says when she tells it about violence or danger" asks:
 *
 * - every disclosure, high and imminent turn gets an acknowledgement (reply kind `ack` or `danger`, or an ack text),
 *   before anything else except the emergency steps, and never "I did not understand" (`clarify`) then or next;
 * - the first time she tells of violence, the offer of a person, or the honest no-staff path;
 * - on the first high turn the danger is named (a `danger.*` text), the steps for now come with the buttons for a
 *   protection order, a shelter and a safety plan (in view: on the turn's last message), and she is asked whether
 *   she is safe to talk;
 * - on the first imminent turn the full emergency block; no emergency text (block or follow-up line) said again word
 *   for word within the next three turns, and each block at most once in a chat;
 * - exactly one welcome per chat, and a greeting after it answered briefly (`greetingAgain`);
 * - every reply to her in the language she writes in.
 *
 * Where a turn's label and the screener disagree (labelled a disclosure, screened `none`), it is listed as a screening
 * miss instead of failing; but at least 90% of all labelled disclosure/high/imminent turns must get their
 * acknowledgement. A failing dialog is printed turn by turn.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type App } from '../../src/app.js';
import type { TurnResult } from '../../src/bot/dialogue.js';
import { riskRank, type RiskLevel } from '../../src/core/types.js';
import { buildTestApp } from '../support/app.js';

type Lang = 'zh' | 'en';
type Label = 'greeting' | 'question' | 'disclosure' | 'high' | 'imminent' | 'followup' | 'neutral';
interface Dialog {
  id: string;
  lang: Lang;
  kind: string;
  turns: { text: string; expect: Label }[];
}

const DIALOGS: Dialog[] = readFileSync(resolve(PROJECT_ROOT, 'test/bot/dialogs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Dialog);

// --- the bot's own words, read from the data the bot reads ---

const TEXTS = (JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'replies/bot.json'), 'utf8')) as { texts: Record<string, Record<Lang, string>> }).texts;
const both = (...keys: string[]): string[] => keys.flatMap((k) => (TEXTS[k] ? [TEXTS[k].zh, TEXTS[k].en] : []));
/** A text with a `{placeholder}`: the part before it, which every rendering starts with. */
const stem = (text: string): string => text.split('{')[0]!;

const ACK_TEXTS = both('ack', 'ackThird', 'ackAgain');
const DANGER_TEXTS = both(...Object.keys(TEXTS).filter((k) => k.startsWith('danger.')));
const EMERGENCY_BLOCKS = both('emergency', 'emergencyThird', 'emergencySelfHarm');
const EMERGENCY_TEXTS = [...EMERGENCY_BLOCKS, ...both(...Object.keys(TEXTS).filter((k) => k.startsWith('follow')))];
const WELCOMES = both('welcome');
const CLARIFY = both('clarify');
const SAFE_TO_TALK = both('safeToTalk');
const PERSON_PATH = {
  staff: both('staffComing', 'offerHuman'),
  none: both('noStaff', 'offerHumanNoStaff').map(stem),
};
const STEPS = { self: both('highSteps'), third: both('highStepsThird') };

function faqTitle(topic: string, lang: Lang): string {
  return (JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'faq', `${topic}.json`), 'utf8')) as Record<Lang, { title: string }>)[lang].title;
}
const STEP_BUTTONS = {
  self: ['protection_order.apply', 'shelter', 'safety.plan'],
  third: ['report.others', 'protection_order.apply', 'shelter'],
};

const DANGER_LABELS = new Set<Label>(['disclosure', 'high', 'imminent']);
const RECENT = 3;

// --- her side of the chat: Direct Line, as the widget speaks it ---

interface Reply {
  kind: string;
  text: string;
  buttons: string[];
}
interface Chat {
  conversationId: string;
  token: string;
  /** Each woman writes from her own address (the service limits messages per address). */
  address: string;
}
interface Played {
  dialog: Dialog;
  /** What she saw when the chat opened, before she wrote. */
  opening: Reply[];
  turns: { text: string; label: Label; result: TurnResult | undefined; replies: Reply[] }[];
}

async function openChat(base: string, address: string): Promise<Chat> {
  const res = await fetch(`${base}/v3/directline/conversations?locale=zh-CN`, { method: 'POST', headers: { 'x-forwarded-for': address } });
  if (res.status !== 201) throw new Error(`opening a chat failed: ${res.status}`);
  return { ...((await res.json()) as { conversationId: string; token: string }), address };
}

async function received(base: string, chat: Chat): Promise<Reply[]> {
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, { headers: { authorization: `Bearer ${chat.token}`, 'x-forwarded-for': chat.address } });
  const body = (await res.json()) as {
    activities: { type: string; text?: string; from: { role?: string }; channelData?: { kind?: string }; suggestedActions?: { actions: { title: string }[] } }[];
  };
  return body.activities
    .filter((a) => a.type === 'message' && a.from.role !== 'user')
    .map((a) => ({ kind: a.channelData?.kind ?? '', text: a.text ?? '', buttons: (a.suggestedActions?.actions ?? []).map((b) => b.title) }));
}

async function send(base: string, chat: Chat, text: string): Promise<void> {
  const res = await fetch(`${base}/v3/directline/conversations/${chat.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json', 'x-forwarded-for': chat.address },
    // The widget sends its own language (Chinese until she switches), whatever she writes in.
    body: JSON.stringify({ type: 'message', text, locale: 'zh-CN', from: { id: 'her' } }),
  });
  if (!res.ok) throw new Error(`sending failed: ${res.status}`);
}

// --- judging one played dialog ---

type Mode = 'staff' | 'none';

interface Verdict {
  failures: string[];
  /** Labelled turns the screener saw lower than their label (or, for calm labels, as imminent). */
  disagreements: string[];
  labelled: number;
  acknowledged: number;
}

const hanCount = (t: string) => t.match(/\p{Script=Han}/gu)?.length ?? 0;
const wordCount = (t: string) => t.match(/[a-z]{2,}/gi)?.length ?? 0;
/** The language a reply is written in: Chinese characters against English words. */
const languageOf = (t: string): Lang => (hanCount(t) > wordCount(t) ? 'zh' : 'en');
const includesAny = (text: string, texts: string[]) => texts.some((t) => text.includes(t));
const short = (t: string, n = 70) => t.replace(/\n/g, ' ⏎ ').slice(0, n);

function judge(played: Played, mode: Mode): Verdict {
  const { dialog, turns } = played;
  const failures: string[] = [];
  const disagreements: string[] = [];
  const fail = (i: number | undefined, why: string) => failures.push(i === undefined ? why : `turn ${i + 1}: ${why}`);
  let labelled = 0;
  let acknowledged = 0;

  // One welcome, before she writes, and nowhere else.
  const all = [...played.opening, ...turns.flatMap((t) => t.replies)];
  const welcomes = all.filter((r) => WELCOMES.includes(r.text) || r.kind === 'welcome').length;
  if (welcomes !== 1) fail(undefined, `${welcomes} welcomes in the chat`);
  if (!played.opening.some((r) => WELCOMES.includes(r.text))) fail(undefined, 'no welcome when the chat opened');

  let offered = false;
  let highSeen = false;
  let dangerNamed = false;
  let firstHighLabel = true;
  let firstImminentLabel = true;
  const blocks = new Map<string, number>();

  turns.forEach((turn, i) => {
    const { label, result, replies } = turn;
    const level: RiskLevel = result?.screening.level ?? 'none';
    const texts = replies.map((r) => r.text);
    if (!result) fail(i, 'the bot did not take the turn');
    if (texts.some((t) => DANGER_TEXTS.some((d) => t.includes(d)))) dangerNamed = true;

    // Her language, in every reply to her.
    for (const r of replies) {
      if (languageOf(r.text) !== dialog.lang) fail(i, `a reply in the wrong language: [${r.kind}] ${short(r.text)}`);
    }

    // A greeting after the welcome: the short answer, not the welcome again.
    if (label === 'greeting') {
      if (!texts.includes(TEXTS.greetingAgain![dialog.lang])) fail(i, `greeting not answered with greetingAgain: ${texts.map((t) => short(t, 40)).join(' | ')}`);
      if (texts.join('').length >= TEXTS.welcome![dialog.lang].length / 2) fail(i, 'the answer to a greeting is not short');
    }

    // Disclosure, high, imminent: the acknowledgement.
    if (DANGER_LABELS.has(label)) {
      labelled += 1;
      const ackAt = replies.findIndex((r) => r.kind === 'ack' || r.kind === 'danger' || includesAny(r.text, ACK_TEXTS));
      if (ackAt >= 0) acknowledged += 1;
      if (level === 'none') {
        disagreements.push(`${dialog.id} turn ${i + 1} [${label}, screened none]${ackAt >= 0 ? '' : ' (no acknowledgement)'}: ${turn.text}`);
      } else {
        if (riskRank(level) < riskRank(label === 'disclosure' ? 'elevated' : (label as RiskLevel))) {
          disagreements.push(`${dialog.id} turn ${i + 1} [${label}, screened ${level}] (under): ${turn.text}`);
        }
        if (ackAt < 0) fail(i, `no acknowledgement (${level}): ${texts.map((t) => short(t, 40)).join(' | ')}`);
        // First, or right after the emergency steps.
        else if (replies.slice(0, ackAt).some((r) => r.kind !== 'emergency')) fail(i, `the acknowledgement is not first: ${replies.map((r) => r.kind).join(',')}`);
        if (texts.some((t) => CLARIFY.includes(t))) fail(i, 'a disclosure met with "I did not understand"');
        const next = turns[i + 1];
        if (next?.replies.some((r) => CLARIFY.includes(r.text))) fail(i + 1, '"I did not understand" right after a disclosure');
      }
    } else if (riskRank(level) >= riskRank('imminent')) {
      disagreements.push(`${dialog.id} turn ${i + 1} [${label}, screened ${level}] (over): ${turn.text}`);
    }

    // The first time she tells of violence: a person offered, or the honest no-staff path.
    if (riskRank(level) >= riskRank('elevated') && !offered) {
      offered = true;
      if (!replies.some((r) => (r.kind === 'offer_human' || r.kind === 'handoff') && PERSON_PATH[mode].some((p) => r.text.includes(p)))) {
        fail(i, `no ${mode === 'staff' ? 'offer of a person' : 'no-staff path'}: ${replies.map((r) => r.kind).join(',')}`);
      }
    }

    // The first turn at high risk (a chat that starts in an emergency has the emergency steps instead): the danger
    // named, the steps for now with their buttons, whether she can talk.
    const risk: RiskLevel = result?.risk.level ?? 'none';
    const firstHigh = riskRank(risk) >= riskRank('high') && !highSeen;
    if (riskRank(risk) >= riskRank('high')) highSeen = true;
    if (firstHigh && risk === 'high') {
      if (!replies.some((r) => r.kind === 'danger')) fail(i, 'high risk without the danger reply');
      const steps = replies.find((r) => r.kind === 'steps');
      const who = steps && STEPS.third.includes(steps.text) ? 'third' : 'self';
      if (!steps) fail(i, 'high risk without the steps for now');
      else {
        // A chat shows the buttons of its last message only: they must be there.
        const titles = STEP_BUTTONS[who].map((t) => faqTitle(t, dialog.lang));
        const visible = replies.at(-1)?.buttons ?? [];
        if (!titles.every((t) => visible.includes(t))) fail(i, `the buttons ${titles.join(', ')} not in view: ${visible.join(', ')}`);
      }
      if (!texts.some((t) => includesAny(t, SAFE_TO_TALK))) fail(i, 'high risk without asking whether she is safe to talk');
    }
    if (label === 'high' && firstHighLabel) {
      firstHighLabel = false;
      // Named on this turn or already when the chat became high (a turn screened lower is listed as under-screened).
      if (riskRank(level) >= riskRank('high') && !dangerNamed) fail(i, 'the first high turn does not name the danger');
    }

    // Imminent: the full block on the first imminent turn; no emergency text again within three turns.
    if (label === 'imminent' && firstImminentLabel) {
      firstImminentLabel = false;
      if (level === 'imminent' && !texts.some((t) => EMERGENCY_BLOCKS.includes(t))) fail(i, `the first imminent turn without the emergency block: ${replies.map((r) => r.kind).join(',')}`);
    }
    for (const t of texts) {
      if (EMERGENCY_BLOCKS.includes(t)) blocks.set(t, (blocks.get(t) ?? 0) + 1);
      if (!EMERGENCY_TEXTS.includes(t)) continue;
      for (let back = 1; back <= RECENT && i - back >= 0; back++) {
        if (turns[i - back]!.replies.some((r) => r.text === t)) fail(i, `emergency text repeated ${back} turn(s) later: ${short(t, 40)}`);
      }
    }
  });
  for (const [text, n] of blocks) if (n > 1) fail(undefined, `an emergency block given ${n} times: ${short(text, 40)}`);
  return { failures, disagreements, labelled, acknowledged };
}

function summary(played: Played, mode: Mode, failures: string[]): string {
  const lines = [`## ${played.dialog.id} (${played.dialog.lang}, ${played.dialog.kind}; staff ${mode === 'staff' ? 'online' : 'offline'})`];
  for (const f of failures) lines.push(`  ✗ ${f}`);
  played.turns.forEach((t, i) => {
    const r = t.result;
    lines.push(`  ${i + 1}. [${t.label}] ${r ? `${r.screening.level}/${r.risk.level} ${r.screening.signals.join(',')}` : 'no turn'} | ${t.text}`);
    for (const reply of t.replies) lines.push(`       [${reply.kind}] ${short(reply.text)}${reply.buttons.length ? `  {${reply.buttons.join(' / ')}}` : ''}`);
  });
  return lines.join('\n');
}

for (const mode of ['staff', 'none'] as const) {
  describe(`the scripted dialogs through Direct Line, staff ${mode === 'staff' ? 'online' : 'offline'}`, () => {
    let app: App;
    let base: string;
    const results = new Map<string, TurnResult>();

    beforeAll(async () => {
      // Every chat comes from its own address through a trusted proxy, as women on their own phones would.
      app = await buildTestApp(
        { TRUSTED_PROXIES: '127.0.0.1' },
        { staffAvailable: async () => mode === 'staff', observer: (conversationId, result) => results.set(conversationId, result) },
      );
      base = `http://127.0.0.1:${(await app.listen()).port}`;
    });
    afterAll(async () => {
      await app?.close();
    });

    it(`acknowledges every disclosure, names the danger, gives the emergency steps once, and answers in her language (${DIALOGS.length} dialogs)`, async () => {
      expect(DIALOGS).toHaveLength(48);
      expect(DIALOGS.filter((d) => d.lang === 'zh')).toHaveLength(24);
      const verdicts: { played: Played; verdict: Verdict }[] = [];
      for (const [n, dialog] of DIALOGS.entries()) {
        const chat = await openChat(base, `10.${mode === 'staff' ? 1 : 2}.${n}.1`);
        const opening = await received(base, chat);
        const played: Played = { dialog, opening, turns: [] };
        let seen = opening.length;
        for (const turn of dialog.turns) {
          results.delete(chat.conversationId);
          await send(base, chat, turn.text);
          const all = await received(base, chat);
          played.turns.push({ text: turn.text, label: turn.expect, result: results.get(chat.conversationId), replies: all.slice(seen) });
          seen = all.length;
        }
        verdicts.push({ played, verdict: judge(played, mode) });
      }

      const labelled = verdicts.reduce((n, v) => n + v.verdict.labelled, 0);
      const acknowledged = verdicts.reduce((n, v) => n + v.verdict.acknowledged, 0);
      const disagreements = verdicts.flatMap((v) => v.verdict.disagreements);
      const misses = disagreements.filter((d) => d.includes('screened none'));
      const failing = verdicts.filter((v) => v.verdict.failures.length);
      const lines = [
        `staff ${mode === 'staff' ? 'online' : 'offline'}: ${acknowledged}/${labelled} labelled disclosure/high/imminent turns acknowledged (${((100 * acknowledged) / labelled).toFixed(1)}%); ` +
          `${misses.length} screening misses; ${failing.length} of ${verdicts.length} dialogs with failures`,
        'screening misses and disagreements (labelled vs screened; reported, not failed):',
        ...disagreements.map((d) => `  - ${d}`),
      ];
      console.log(lines.join('\n'));
      for (const { played, verdict } of failing) console.log(summary(played, mode, verdict.failures));

      expect(failing.map((v) => `${v.played.dialog.id}: ${v.verdict.failures.join('; ')}`)).toEqual([]);
      expect(acknowledged / labelled).toBeGreaterThanOrEqual(0.9);
    });
  });
}
