/**
 * One user turn, channel-independent: screen, look at the conversation's state, classify, decide, reply.
 * The channel has already stored the message before calling this (design: nothing is lost).
 * Screening comes first and the emergency reply depends on nothing that can fail.
 */
import { botMayAnswer } from '../core/conversation.js';
import { decide, type Decision } from '../core/policy.js';
import { riskRank, type Action, type Locale, type RiskLevel, type Screening, type TopicId } from '../core/types.js';
import { buttonIndex, renderAnswer, topicButton, type Button } from '../faq/render.js';
import type { FaqSet } from '../faq/schema.js';
import type { Logger } from '../log.js';
import type { Classification } from '../core/types.js';
import { detectLocale } from '../nlu/text.js';
import { MESSAGES } from './messages.js';

export interface Reply {
  kind: 'welcome' | 'answer' | 'menu' | 'offer_human' | 'handoff' | 'emergency' | 'failure' | 'unreadable';
  text: string;
  buttons: Button[];
}

export interface TurnResult {
  action: Action;
  /** The message's own screening and the conversation's level after it. */
  screening: Screening;
  risk: Screening;
  replies: Reply[];
}

/** What the dialogue remembers between turns of one conversation. */
export interface DialogueMemory {
  locale: Locale;
  /** Per-message screenings, latest last, at most MEMORY_TURNS. */
  screenings: Screening[];
  lastWasMiss: boolean;
  topic?: TopicId | undefined;
}

export interface ConversationView {
  state: 'bot' | 'queued' | 'agent' | 'closed';
  memory: DialogueMemory | undefined;
}

/** The parts the dialogue needs, each of which may fail except screening. */
export interface DialogueDeps {
  screenMessage(text: string): Screening;
  screenConversation(turns: readonly Screening[]): Screening;
  classify(text: string, locale: Locale): Promise<Classification>;
  faq(): FaqSet;
  minScore: number;
  conversations: {
    load(conversationId: string): Promise<ConversationView>;
    /** Saves the memory and the turn's risk; `escalate` asks for a person (enqueue or re-prioritise). */
    save(
      conversationId: string,
      memory: DialogueMemory,
      turn: { risk: Screening; escalate: boolean; topic?: TopicId | undefined },
    ): Promise<void>;
  };
  log: Logger;
}

const MEMORY_TURNS = 10;
/** The classifier only reads the start of a very long message; screening reads all of it. */
const CLASSIFY_MAX_CHARS = 1000;
const MENU_TOPICS: TopicId[] = [
  'protection_order.apply',
  'police.report',
  'police.warning_letter',
  'evidence.collect',
  'shelter',
  'legal_aid',
  'divorce.dv',
  'custody.children',
  'safety.plan',
  'hotlines',
];
const WORDLIKE = /[\p{L}\p{N}]/u;

export class Dialogue {
  constructor(private readonly deps: DialogueDeps) {}

  welcome(locale: Locale): Reply {
    return { kind: 'welcome', text: MESSAGES.welcome[locale], buttons: this.menuButtons(locale) };
  }

  /** Handles one user message. Never throws: a failure becomes an honest reply with the emergency numbers. */
  async handle(conversationId: string, rawText: string, hint?: Locale): Promise<TurnResult> {
    const text = rawText ?? '';
    const screening = this.safeScreen(text);
    let view: ConversationView | undefined;
    try {
      view = await this.deps.conversations.load(conversationId);
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'conversation state unavailable');
    }
    const previous = view?.memory;
    const locale = WORDLIKE.test(text) ? detectLocale(text, previous?.locale ?? hint) : (previous?.locale ?? hint ?? 'zh');
    const turns = [...(previous?.screenings ?? []), screening].slice(-MEMORY_TURNS);
    const risk = this.safeConversationRisk(turns, screening);
    const previousLevel: RiskLevel = previous ? this.safeConversationRisk(previous.screenings, screening).level : 'none';
    if (riskRank(risk.level) > riskRank(previousLevel)) {
      // Only codes, never text: the console and the supervisors see why a chat rose.
      this.deps.log.warn({ conversationId, from: previousLevel, to: risk.level, signals: risk.signals }, 'risk rose');
    }

    if (!view) return this.degraded(risk, screening, locale);

    const memory: DialogueMemory = { locale, screenings: turns, lastWasMiss: previous?.lastWasMiss ?? false, topic: previous?.topic };

    if (!botMayAnswer(view.state)) {
      // A person is needed or present: the bot stays silent, except the emergency text on a new imminent signal.
      const imminentNow = screening.level === 'imminent';
      const result: TurnResult = {
        action: imminentNow ? 'emergency' : 'handoff',
        screening,
        risk,
        replies: imminentNow ? [this.emergencyReply(locale)] : [],
      };
      await this.persist(conversationId, memory, risk, riskRank(risk.level) > riskRank(previousLevel), result);
      return result;
    }

    if (risk.level === 'imminent' || risk.level === 'high') {
      const decision = decide({ risk: risk.level, intent: 'out_of_scope', score: 0, minScore: this.deps.minScore, previousWasMiss: false });
      const result: TurnResult = { action: decision.action, screening, risk, replies: [this.escalationReply(decision.action, locale)] };
      await this.persist(conversationId, memory, risk, true, result);
      return result;
    }

    let decision: Decision;
    try {
      decision = await this.decideFor(text, locale, risk.level, memory.lastWasMiss);
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'classification failed');
      return this.degraded(risk, screening, locale);
    }
    const result: TurnResult = { action: decision.action, screening, risk, replies: this.replies(decision, locale, text) };
    memory.lastWasMiss = decision.miss !== undefined;
    memory.topic = decision.topic ?? memory.topic;
    await this.persist(conversationId, memory, risk, decision.action === 'handoff', result, decision.topic);
    return result;
  }

  private async decideFor(text: string, locale: Locale, risk: RiskLevel, previousWasMiss: boolean): Promise<Decision> {
    const minScore = this.deps.minScore;
    if (!WORDLIKE.test(text)) {
      return decide({ risk, intent: 'out_of_scope', score: 0, minScore, previousWasMiss });
    }
    const tapped = buttonIndex(this.deps.faq()).get(text.trim()) ?? (text.trim() === MESSAGES.humanButton[locale] ? 'human.request' : undefined);
    if (tapped) return decide({ risk, intent: tapped, score: 1, minScore, previousWasMiss });
    const c = await this.deps.classify(text.slice(0, CLASSIFY_MAX_CHARS), locale);
    return decide({ risk, intent: c.intent, score: c.score, minScore, previousWasMiss });
  }

  private replies(decision: Decision, locale: Locale, text: string): Reply[] {
    const faq = this.deps.faq();
    const out: Reply[] = [];
    if (text.length > CLASSIFY_MAX_CHARS && decision.topic) {
      out.push({ kind: 'answer', text: MESSAGES.tooLong[locale], buttons: [] });
    }
    switch (decision.action) {
      case 'answer':
      case 'offer_human': {
        if (decision.topic) {
          const answer = renderAnswer(faq, faq[decision.topic], locale, this.wording(locale));
          out.push({ kind: 'answer', ...answer });
        } else if (decision.miss === 'out_of_scope') {
          out.push({ kind: 'menu', text: faq.out_of_scope[locale].text, buttons: [] });
        } else {
          out.push({ kind: 'menu', text: MESSAGES.clarify[locale], buttons: [] });
        }
        if (decision.action === 'offer_human') {
          out.push({ kind: 'offer_human', text: MESSAGES.offerHuman[locale], buttons: [this.humanButton(locale)] });
        }
        break;
      }
      case 'clarify': {
        const lead = decision.miss === 'out_of_scope' ? faq.out_of_scope[locale].text : MESSAGES.clarify[locale];
        out.push({ kind: 'menu', text: lead, buttons: this.menuButtons(locale) });
        break;
      }
      case 'handoff':
      case 'emergency':
        out.push(this.escalationReply(decision.action, locale));
        break;
    }
    return out;
  }

  private escalationReply(action: Action, locale: Locale): Reply {
    return action === 'emergency'
      ? this.emergencyReply(locale)
      : { kind: 'handoff', text: MESSAGES.handoff[locale], buttons: [] };
  }

  private emergencyReply(locale: Locale): Reply {
    return { kind: 'emergency', text: MESSAGES.emergency[locale], buttons: [] };
  }

  /** The store or the model failed: still the emergency text when in danger, otherwise an honest message. */
  private degraded(risk: Screening, screening: Screening, locale: Locale): TurnResult {
    if (risk.level === 'imminent') return { action: 'emergency', screening, risk, replies: [this.emergencyReply(locale)] };
    const replies: Reply[] = [{ kind: 'failure', text: MESSAGES.failure[locale], buttons: [] }];
    return { action: risk.level === 'high' ? 'handoff' : 'offer_human', screening, risk, replies };
  }

  private async persist(
    conversationId: string,
    memory: DialogueMemory,
    risk: Screening,
    escalate: boolean,
    result: TurnResult,
    topic?: TopicId,
  ): Promise<void> {
    try {
      await this.deps.conversations.save(conversationId, memory, { risk, escalate, topic });
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'saving the turn failed');
      // The emergency text stays; anything else would promise what did not happen.
      if (result.action !== 'emergency') {
        result.replies = [{ kind: 'failure', text: MESSAGES.failure[memory.locale], buttons: [] }];
      }
    }
  }

  private safeScreen(text: string): Screening {
    try {
      return this.deps.screenMessage(text);
    } catch (err) {
      // The screener is written never to throw; if it ever does, treat the message as one a person must see.
      this.deps.log.error({ err }, 'screening failed');
      return { level: 'high', signals: ['screening_failed'] };
    }
  }

  private safeConversationRisk(turns: readonly Screening[], fallback: Screening): Screening {
    try {
      return this.deps.screenConversation(turns);
    } catch (err) {
      this.deps.log.error({ err }, 'conversation screening failed');
      return fallback;
    }
  }

  private menuButtons(locale: Locale): Button[] {
    const faq = this.deps.faq();
    return [...MENU_TOPICS.map((t) => topicButton(faq, t, locale)), this.humanButton(locale)];
  }

  private humanButton(locale: Locale): Button {
    return { title: MESSAGES.humanButton[locale], value: MESSAGES.humanButton[locale] };
  }

  private wording(locale: Locale) {
    return { basis: MESSAGES.basis[locale], reviewed: MESSAGES.reviewed[locale], generalInfo: MESSAGES.generalInfo[locale] };
  }
}
