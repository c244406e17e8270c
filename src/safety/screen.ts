/**
 * Danger screening: rules and lexicons (data tables in this folder), no model, no network. Runs on every
 * user message before the classifier. Pure and synchronous; never throws; linear in the message length.
 */
import { maxRisk, riskRank, type RiskLevel, type Screening } from '../core/types.js';
import { LEXICONS, type Lexicon } from './lexicon.js';
import { normalize } from './normalize.js';

export { SIGNAL_LABELS } from './lexicon.js';

const NEGATION_WINDOW = { zh: 6, en: 30 };
/** Several distinct elevated signals together raise the level by one. */
const ELEVATED_TOGETHER = 3;
/** The conversation level looks at this many recent turns. */
const RECENT_TURNS = 10;
/** An imminent turn older than this many turns has passed: the risk stays high. */
const IMMINENT_TURNS = 3;

const NONE: Screening = { level: 'none', signals: [] };

function includesAny(text: string, words: readonly string[]): boolean {
  return words.some((w) => text.includes(w));
}

/** Chinese has no spaces, so a word is any occurrence; an English word must stand whole ("no" is not "now"). */
function wordsIn(text: string, words: readonly string[], locale: 'zh' | 'en'): boolean {
  if (locale === 'zh') return includesAny(text, words);
  const padded = ` ${text.replace(/\n/g, ' ')} `;
  return words.some((w) => padded.includes(` ${w} `));
}

function removeAll(text: string, phrases: readonly string[], by: string): string {
  let out = text;
  for (const p of phrases) if (out.includes(p)) out = out.split(p).join(by);
  return out;
}

/** Whether the words just before a match, or the match itself, negate it ("他从来没打过我", "he never hit me"). */
function negated(lex: Lexicon, line: string, start: number, end: number): boolean {
  const window = NEGATION_WINDOW[lex.locale];
  const before = line.slice(Math.max(0, start - window), start);
  const scope = removeAll(before + line.slice(start, end), lex.notNegations, ' ');
  return wordsIn(scope, lex.negations, lex.locale);
}

interface Fired {
  code: string;
  level: Exclude<RiskLevel, 'none'>;
}

function fire(lex: Lexicon, text: string): Fired[] {
  const fired: Fired[] = [];
  const lines = text.split('\n');
  for (const rule of lex.rules) {
    let hit: Fired | undefined;
    for (const line of lines) {
      if (!line) continue;
      const now = wordsIn(line, lex.nowMarkers, lex.locale);
      const past = includesAny(line, lex.pastMarkers) && !now;
      for (const pattern of rule.patterns) {
        pattern.lastIndex = 0;
        for (let m = pattern.exec(line); m; m = pattern.exec(line)) {
          if (m[0].length === 0) {
            pattern.lastIndex++;
            continue;
          }
          if (negated(lex, line, m.index, m.index + m[0].length)) continue;
          const candidate: Fired =
            past && rule.level === 'imminent'
              ? { code: rule.pastCode ?? rule.code, level: rule.pastLevel ?? 'high' }
              : now && rule.nowLevel
                ? { code: rule.nowCode ?? rule.code, level: rule.nowLevel }
                : { code: rule.code, level: rule.level };
          if (!hit || riskRank(candidate.level) > riskRank(hit.level)) hit = candidate;
          if (hit.level === (rule.nowLevel ?? rule.level)) break;
        }
        if (hit?.level === (rule.nowLevel ?? rule.level)) break;
      }
      if (hit?.level === (rule.nowLevel ?? rule.level)) break;
    }
    if (hit) fired.push(hit);
  }
  return fired;
}

function isGeneralQuestion(lex: Lexicon, text: string): boolean {
  const stripped = removeAll(text, lex.questionPrefixes, ' ').trim();
  const firstPerson = lex.locale === 'zh' ? /我/.test(stripped) : /\b(?:me|my|i|im|myself|mine|us|our)\b/.test(stripped);
  return !firstPerson && lex.generalQuestion.some((re) => re.test(stripped));
}

function screenIn(lex: Lexicon, raw: string): { fired: Fired[]; fiction: boolean; general: boolean; escalation: boolean } {
  const text = removeAll(raw, lex.idioms, lex.locale === 'zh' ? '' : ' ');
  return {
    fired: fire(lex, text),
    fiction: includesAny(raw, lex.fictionMarkers),
    general: isGeneralQuestion(lex, raw),
    escalation: includesAny(raw, lex.escalationWords),
  };
}

function combine(parts: ReturnType<typeof screenIn>[]): Screening {
  const byCode = new Map<string, Fired>();
  for (const f of parts.flatMap((p) => p.fired)) {
    const seen = byCode.get(f.code);
    if (!seen || riskRank(f.level) > riskRank(seen.level)) byCode.set(f.code, f);
  }
  if (!byCode.size) return NONE;
  let level: RiskLevel = 'none';
  for (const f of byCode.values()) level = maxRisk(level, f.level);
  // Strongest first, so the console shows the most urgent reason first.
  const signals = [...byCode.values()].sort((a, b) => riskRank(b.level) - riskRank(a.level)).map((f) => f.code);

  if (parts.some((p) => p.fiction) && level !== 'imminent') return NONE;
  if (parts.some((p) => p.general) && riskRank(level) > riskRank('elevated')) {
    // A question about the law, not a disclosure; still worth an offer of a person (it may be her own story).
    return { level: 'elevated', signals: [...signals, 'general_question'] };
  }
  if (level === 'elevated') {
    const elevated = [...byCode.values()].filter((f) => f.level === 'elevated').length;
    if (elevated >= ELEVATED_TOGETHER || parts.some((p) => p.escalation)) {
      return { level: 'high', signals: [...signals, 'escalation'] };
    }
  }
  return { level, signals };
}

/** One message's level and the codes of the signals that fired. Never throws. */
export function screenMessage(text: string): Screening {
  try {
    if (typeof text !== 'string' || !text) return NONE;
    const { zh, en } = normalize(text);
    return combine([screenIn(LEXICONS.zh, zh), screenIn(LEXICONS.en, en)]);
  } catch {
    // Unreachable by design; if it ever happens, a person must look rather than the bot carry on.
    return { level: 'high', signals: ['screening_failed'] };
  }
}

/**
 * The conversation's level from its messages' screenings (latest last): the highest of the recent turns,
 * an imminent moment that has passed counted as high, and a rise when distinct signals add up over turns.
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
  const distinct = new Set(signals.filter((s) => s !== 'general_question' && s !== 'escalation_over_turns' && s !== 'escalation'));
  if (level === 'elevated' && distinct.size >= ELEVATED_TOGETHER) {
    return { level: 'high', signals: [...signals, 'escalation_over_turns'] };
  }
  return { level, signals };
}
