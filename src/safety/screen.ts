/**
 * Danger screening, rules first: concepts (word lists in concepts.<locale>.json) combined by nearness within a
 * clause (rules.json), the aspect of the clause (now, just now, threatened, past) choosing the code, and the code's
 * level from the taxonomy. Negation, idioms, fiction, hypotheticals and general questions about the law are
 * exceptions. A learned model (model.ts) may only raise what the rules find. Pure and synchronous; never throws;
 * linear in the length of the message.
 */
import { maxRisk, riskRank, type RiskLevel, type Screening } from '../core/types.js';
import { ASPECT_CONCEPTS, LEXICONS, levelOf, RULES, type Aspect, type Lexicon, type Rule } from './lexicon.js';

/** Rules precise enough to decide on their own (chosen by their precision on the training corpus). */
const FIRM = new Set(RULES.filter((r) => r.firm).map((r) => r.name));
import { normalize } from './normalize.js';

export { SIGNAL_LABELS } from './lexicon.js';

/** Several distinct elevated signals together raise the level by one. */
const ELEVATED_TOGETHER = 3;
/** The conversation level looks at this many recent turns. */
const RECENT_TURNS = 10;
/** An imminent turn older than this many turns has passed: the risk stays high. */
const IMMINENT_TURNS = 3;
/** Signals that say nothing of danger on their own. */
const NOT_DANGER = new Set(['general_question', 'escalation_over_turns', 'escalation', 'in_context', 'model']);

const NONE: Screening = { level: 'none', signals: [] };

interface Hit {
  start: number;
  end: number;
  negated: boolean;
}

interface Fired {
  code: string;
  level: RiskLevel;
  third: boolean;
  rule: string;
}

interface LineFacts {
  fired: Fired[];
  general: boolean;
  /** What the rules saw, as tokens for the model: concepts (negated ones apart), aspects, rules that fired. */
  tokens: string[];
}

/**
 * The non-empty matches of a global regular expression in a line. `exec` on the lexicon's own expression, not
 * `matchAll`, which copies the expression at every call: 63 concepts per line made that copy most of the cost.
 */
function spans(re: RegExp, line: string): { start: number; end: number }[] {
  // Without the global flag exec would find the same match forever; without `u` the step below could split a pair.
  if (!re.global || !re.unicode) throw new Error('a lexicon expression must have the g and u flags');
  const found: { start: number; end: number }[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[0]) found.push({ start: m.index, end: m.index + m[0].length });
    else re.lastIndex += line.codePointAt(re.lastIndex)! > 0xffff ? 2 : 1;
  }
  return found;
}

/** Where each concept occurs in a line, and whether a negation just before it cancels it. */
function conceptHits(lex: Lexicon, line: string): Map<string, Hit[]> {
  const protectedSpans = spans(lex.notNegation, line);
  const negations = spans(lex.negation, line).filter(({ start }) => !protectedSpans.some((p) => start >= p.start && start < p.end));
  const hits = new Map<string, Hit[]>();
  for (const [name, re] of lex.concepts) {
    const found = spans(re, line);
    if (found.length) hits.set(name, found.map(({ start, end }) => ({ start, end, negated: negatedAt(lex, line, negations, start, end) })));
  }
  return hits;
}

/** A negation just before the hit (a few characters in Chinese, a few words in English) cancels it. */
function negatedAt(lex: Lexicon, line: string, negations: { start: number; end: number }[], start: number, end: number): boolean {
  for (const n of negations) {
    if (n.start >= start && n.end <= end) return true;
    if (n.end > start) continue;
    const gap = line.slice(n.end, start);
    const distance = lex.locale === 'zh' ? gap.length : gap.split(' ').filter(Boolean).length;
    if (distance <= lex.negationWindow) return true;
  }
  return false;
}

const live = (hits: Map<string, Hit[]>, name: string) => (hits.get(name) ?? []).filter((h) => !h.negated);

/**
 * Anchors of a rule alternative: positions of its first concept with every other concept within the window.
 * `>X` must come after the anchor, `<X` before it ("hit" then "me"; "he" then "hit").
 */
function anchorsOf(lex: Lexicon, hits: Map<string, Hit[]>, concepts: string[]): Hit[] {
  const [first, ...rest] = concepts;
  const out: Hit[] = [];
  for (const anchor of live(hits, first!)) {
    const ok = rest.every((spec) => {
      const order = spec[0] === '>' || spec[0] === '<' ? spec[0] : undefined;
      const name = order ? spec.slice(1) : spec;
      return live(hits, name).some((h) => {
        if (h.start === anchor.start && h.end === anchor.end) return false;
        if (order === '>') return h.start >= anchor.end - 1 && h.start - anchor.end <= lex.window;
        if (order === '<') return h.end <= anchor.start + 1 && anchor.start - h.end <= lex.window;
        return Math.abs(h.start - anchor.start) <= lex.window;
      });
    });
    if (ok) out.push(anchor);
  }
  return out;
}

const near = (lex: Lexicon, a: Hit, b: Hit) => b.start <= a.end + lex.window && b.end >= a.start - lex.window;

/** The aspect around a hit: happening now, just happened, threatened, in the past; undefined when none is said. */
function aspectAt(lex: Lexicon, hits: Map<string, Hit[]>, at: Hit): Aspect | undefined {
  for (const [aspect, concept] of ASPECT_CONCEPTS) {
    if ((hits.get(concept) ?? []).some((h) => near(lex, at, h))) return aspect;
  }
  return undefined;
}

type Who = 'ME' | 'ABUSER' | 'OTHER' | 'PEER';

/** How close before an act a person must be named to be taken as the one who does it. */
const SUBJECT_REACH = { zh: 2, en: 16 };

/**
 * The person named just before a hit in the line (her, him, someone else, someone who is no threat), or undefined
 * when nobody is named right before it ("如果我离婚就杀了我": the 我 of 离婚 is not who kills).
 */
function subjectBefore(lex: Lexicon, hits: Map<string, Hit[]>, at: Hit): Who | undefined {
  let best: { who: Who; end: number } | undefined;
  for (const who of ['ME', 'ABUSER', 'OTHER', 'PEER'] as const) {
    for (const h of hits.get(who) ?? []) {
      if (h.end <= at.start + 1 && at.start - h.end <= SUBJECT_REACH[lex.locale] && (!best || h.end > best.end)) best = { who, end: h.end };
    }
  }
  return best?.who;
}

/** Told of someone else: another person is named near the act, and she is not the one it is done to. */
function aboutOther(lex: Lexicon, hits: Map<string, Hit[]>, at: Hit): boolean {
  const others = (hits.get('OTHER') ?? []).filter((h) => near(lex, at, h));
  if (!others.length) return false;
  const me = (hits.get('ME') ?? []).filter((h) => near(lex, at, h));
  if (!me.length) return true;
  // "我姐被打" (the other is nearer the act) versus "他打我，我姐在旁边".
  const distance = (hs: Hit[]) => Math.min(...hs.map((h) => Math.abs(h.start - at.start)));
  return distance(others) < distance(me);
}

function fireRule(lex: Lexicon, hits: Map<string, Hit[]>, rule: Rule, context: boolean): Fired | undefined {
  if (rule.context && !context) return undefined;
  let best: Fired | undefined;
  for (const alternative of rule.when) {
    for (const anchor of anchorsOf(lex, hits, alternative)) {
      if (rule.subject) {
        const who = subjectBefore(lex, hits, anchor);
        // Chinese often leaves her out ("躲在厕所"); English names who does it.
        const her = who === 'ME' || (who === undefined && lex.locale === 'zh');
        if (rule.subject === 'ME' ? !her : who !== 'ABUSER') continue;
      }
      // She is the one doing it ("I beat him at badminton", "I choked at the interview"): not her danger.
      const actor = subjectBefore(lex, hits, anchor);
      if (rule.notByHer && actor === 'ME' && !(hits.get('BEATEN') ?? []).some((h) => near(lex, anchor, h))) continue;
      if (rule.byAbuser && actor === 'PEER') continue;
      const aspect = aspectAt(lex, hits, anchor);
      const code = (aspect && rule.codes[aspect]) || rule.codes.default;
      let level = levelOf(code);
      const third = rule.victim === true && aboutOther(lex, hits, anchor);
      if (rule.noHypothetical && (hits.get('HYPO') ?? []).some((h) => h.end <= anchor.start)) level = 'none';
      const fired: Fired = { code: third && level === 'imminent' ? 'third_party_attack_now' : code, level, third, rule: rule.name };
      if (!best || riskRank(fired.level) > riskRank(best.level)) best = fired;
    }
  }
  return best && best.level !== 'none' ? best : undefined;
}

/** Concepts present, negated ones apart, and pairs of concepts near each other (in their order). */
function conceptTokens(lex: Lexicon, hits: Map<string, Hit[]>): string[] {
  const tokens: string[] = [];
  const all: { name: string; hit: Hit }[] = [];
  for (const [name, list] of hits) {
    if (list.some((h) => !h.negated)) tokens.push(`C:${name}`);
    if (list.some((h) => h.negated)) tokens.push(`N:${name}`);
    for (const hit of list) if (!hit.negated) all.push({ name, hit });
  }
  all.sort((a, b) => a.hit.start - b.hit.start);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length && all[j]!.hit.start - all[i]!.hit.start <= lex.window; j++) {
      if (all[i]!.name !== all[j]!.name) tokens.push(`P:${all[i]!.name}>${all[j]!.name}`);
    }
  }
  return tokens;
}

function screenLine(lex: Lexicon, line: string, context: boolean): LineFacts {
  const hits = conceptHits(lex, line);
  const tokens = conceptTokens(lex, hits);
  if (hits.has('FICTION')) {
    // A film, a game, a novel, the news: only a cry for help still counts.
    const help = RULES.find((r) => r.name === 'cry for help');
    const fired = help ? fireRule(lex, hits, help, context) : undefined;
    return { fired: fired ? [fired] : [], general: false, tokens };
  }
  const fired: Fired[] = [];
  for (const rule of RULES) {
    const f = fireRule(lex, hits, rule, context);
    if (f) fired.push(f);
  }
  const hypothetical = hits.has('HYPO') && !hits.has('THREAT');
  const general = (hits.has('LAWQ') && !hits.has('ME')) || (hypothetical && hits.has('LAWQ'));
  if (hypothetical) for (const f of fired) if (riskRank(f.level) > riskRank('elevated')) f.level = 'elevated';
  for (const f of fired) tokens.push(`R:${f.code}`, `L:${f.level}`);
  if (general) tokens.push('G:general');
  return { fired, general, tokens };
}

function removeIdioms(lex: Lexicon, text: string): string {
  let out = text;
  for (const idiom of lex.idioms) if (out.includes(idiom)) out = out.split(idiom).join(lex.locale === 'zh' ? '，' : ' , ');
  return out;
}

function screenIn(lex: Lexicon, text: string, context: boolean): LineFacts[] {
  return removeIdioms(lex, text)
    .split('\n')
    .filter(Boolean)
    .map((line) => screenLine(lex, line, context));
}

function combine(lines: LineFacts[], firmOnly: boolean): Screening {
  const byCode = new Map<string, Fired>();
  // With the model, only firm rules decide and the others are evidence for it; without it, every rule decides.
  for (const f of lines.flatMap((l) => l.fired).filter((f) => !firmOnly || FIRM.has(f.rule))) {
    const seen = byCode.get(f.code);
    if (!seen || riskRank(f.level) > riskRank(seen.level)) byCode.set(f.code, f);
  }
  if (!byCode.size) return NONE;
  let level: RiskLevel = 'none';
  for (const f of byCode.values()) level = maxRisk(level, f.level);
  // Strongest first, so that the console shows the most urgent reason first.
  const fired = [...byCode.values()].sort((a, b) => riskRank(b.level) - riskRank(a.level));
  const signals = fired.map((f) => f.code);
  const third = fired[0]!.third || signals[0] === 'third_party_attack_now';
  if (lines.some((l) => l.general) && riskRank(level) > riskRank('elevated') && level !== 'imminent') {
    // A question about the law, not a disclosure; still worth an offer of a person (it may be her own story).
    return { level: 'elevated', signals: [...signals, 'general_question'] };
  }
  if (level === 'elevated') {
    const elevated = fired.filter((f) => f.level === 'elevated').length;
    if (elevated >= ELEVATED_TOGETHER) return { level: 'high', signals: [...signals, 'escalation'], ...(third ? { third } : {}) };
  }
  return { level, signals, ...(third ? { third } : {}) };
}

export interface ScreenOptions {
  /** The earlier messages of the chat were high or imminent: "I'm in the bathroom" now means hiding. */
  inDanger?: boolean;
}

/** What the rules make of a message: every rule's result, the firm ones', and everything they saw, for the model. */
export interface Analysis {
  rules: Screening;
  firm: Screening;
  /** Signals of rules that do not decide on their own (the model weighs them), strongest first. */
  soft: { code: string; level: RiskLevel }[];
  tokens: string[];
  zh: string;
  en: string;
}

export function analyze(text: string, options: ScreenOptions = {}): Analysis {
  const { zh, en } = normalize(text);
  const context = options.inDanger === true;
  const lines = [...screenIn(LEXICONS.zh, zh, context), ...screenIn(LEXICONS.en, en, context)];
  const soft = lines
    .flatMap((l) => l.fired)
    .filter((f) => !FIRM.has(f.rule))
    .sort((x, y) => riskRank(y.level) - riskRank(x.level))
    .map((f) => ({ code: f.code, level: f.level }));
  const tokens = [...new Set(lines.flatMap((l) => l.tokens))];
  if (context) tokens.push('X:in_danger');
  return { rules: combine(lines, false), firm: combine(lines, true), soft, tokens, zh, en };
}

/** The rules' view of one message, all of them deciding (no model): its level and the signals. Never throws. */
export function screenRules(text: string, options: ScreenOptions = {}): Screening {
  try {
    if (typeof text !== 'string' || !text) return NONE;
    return analyze(text, options).rules;
  } catch {
    // Unreachable by design; if it ever happens, a person must look rather than the bot carry on.
    return { level: 'high', signals: ['screening_failed'] };
  }
}

/** Every rule that fired on a message, firm or not (for measuring rules). */
export function analyzeForDebug(text: string): { rule: string; code: string; level: RiskLevel }[] {
  const { zh, en } = normalize(text);
  return [...screenIn(LEXICONS.zh, zh, false), ...screenIn(LEXICONS.en, en, false)].flatMap((l) => l.fired.map((f) => ({ rule: f.rule, code: f.code, level: f.level })));
}

/**
 * The conversation's level from its messages' screenings (latest last): the highest of the recent turns, an
 * imminent moment that has passed counted as high, and a rise when distinct signals add up over turns.
 */
export function screenConversation(turns: readonly Screening[]): Screening {
  const recent = turns.slice(-RECENT_TURNS);
  if (!recent.length) return NONE;
  let level = 'none' as RiskLevel;
  const signals: string[] = [];
  recent.forEach((turn, i) => {
    const age = recent.length - 1 - i;
    const turnLevel = turn.level === 'imminent' && age >= IMMINENT_TURNS ? 'high' : turn.level;
    level = maxRisk(level, turnLevel);
  });
  for (const turn of [...recent].reverse()) for (const s of turn.signals) if (!signals.includes(s)) signals.push(s);
  const distinct = new Set(signals.filter((s) => !NOT_DANGER.has(s)));
  if (level === 'elevated' && distinct.size >= ELEVATED_TOGETHER) {
    return { level: 'high', signals: [...signals, 'escalation_over_turns'] };
  }
  const third = recent.at(-1)?.third;
  return { level, signals, ...(third ? { third } : {}) };
}
