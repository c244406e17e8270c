/**
 * One user turn, channel-independent: screen, look at the conversation's state, classify, decide, reply.
 * The channel has already stored the message before calling this (design: nothing is lost).
 * Screening comes first and the emergency reply depends on nothing that can fail.
 */
import { botMayAnswer, type ConversationView, type DialogueMemory } from '../core/conversation.js';
import { decide, type Decision } from '../core/policy.js';
import { riskRank, type Action, type Locale, type RiskLevel, type Screening, type TopicId } from '../core/types.js';
import { buttonIndex, renderAnswer, topicButton, type Button } from '../faq/render.js';
import type { FaqSet } from '../faq/schema.js';
import type { Logger } from '../log.js';
import type { Classification } from '../core/types.js';
import { detectLocale } from '../nlu/text.js';
import { answerWording, MESSAGES } from './messages.js';

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
  /** This turn put the chat in the queue for a person. */
  escalated?: boolean;
}

/** The parts the dialogue needs, each of which may fail except screening. */
export interface DialogueDeps {
  screenMessage(text: string): Screening;
  screenConversation(turns: readonly Screening[]): Screening;
  classify(text: string, locale: Locale): Promise<Classification>;
  faq(): FaqSet;
  minScore: number;
  /** Whether a person can take a chat now. When none can, the bot says so and gives the numbers to call
   * instead of leaving her waiting in a queue nobody reads. */
  staffAvailable(): Promise<boolean>;
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

    const staff = await this.safeStaffAvailable();
    if (screening.level === 'imminent' || (staff && riskRank(risk.level) >= riskRank('high'))) {
      const action: Action = screening.level === 'imminent' ? 'emergency' : 'handoff';
      const result: TurnResult = { action, screening, risk, replies: [this.escalationReply(action, locale, staff)] };
      result.escalated = (await this.persist(conversationId, memory, risk, staff, result)) && staff;
      return result;
    }
    if (riskRank(screening.level) >= riskRank('high')) {
      // Nobody can take the chat now: say so honestly, with the numbers to call, and keep answering.
      const result: TurnResult = { action: 'handoff', screening, risk, replies: [this.escalationReply('handoff', locale, false)] };
      await this.persist(conversationId, memory, risk, false, result);
      return result;
    }

    let decision: Decision;
    try {
      // A conversation in danger keeps the offer of a person with every answer.
      const policyRisk: RiskLevel = riskRank(risk.level) >= riskRank('elevated') ? 'elevated' : 'none';
      decision = await this.decideFor(text, locale, policyRisk, memory.lastWasMiss);
      if (decision.action === 'handoff' && !staff) decision = { action: 'handoff', topic: 'human.request' };
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'classification failed');
      return this.degraded(risk, screening, locale);
    }
    const result: TurnResult = { action: decision.action, screening, risk, replies: this.replies(decision, locale, text, staff) };
    memory.lastWasMiss = decision.miss !== undefined;
    memory.topic = decision.topic ?? memory.topic;
    const escalate = decision.action === 'handoff' && staff;
    result.escalated = (await this.persist(conversationId, memory, risk, escalate, result, decision.topic)) && escalate;
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

  private replies(decision: Decision, locale: Locale, text: string, staff: boolean): Reply[] {
    const faq = this.deps.faq();
    const out: Reply[] = [];
    if (text.length > CLASSIFY_MAX_CHARS && decision.topic) {
      out.push({ kind: 'answer', text: MESSAGES.tooLong[locale], buttons: [] });
    }
    switch (decision.action) {
      case 'answer':
      case 'offer_human': {
        if (decision.topic) {
          const answer = renderAnswer(faq, faq[decision.topic], locale, answerWording(locale));
          out.push({ kind: 'answer', ...answer });
        } else if (decision.miss === 'out_of_scope') {
          out.push({ kind: 'menu', text: faq.out_of_scope[locale].text, buttons: [] });
        } else {
          out.push({ kind: 'menu', text: MESSAGES.clarify[locale], buttons: [] });
        }
        if (decision.action === 'offer_human') {
          out.push(
            staff
              ? { kind: 'offer_human', text: MESSAGES.offerHuman[locale], buttons: [this.humanButton(locale)] }
              : { kind: 'offer_human', text: MESSAGES.noStaff[locale], buttons: [] },
          );
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
        out.push(this.escalationReply(decision.action, locale, staff));
        break;
    }
    return out;
  }

  private escalationReply(action: Action, locale: Locale, staff: boolean): Reply {
    if (action === 'emergency') return this.emergencyReply(locale, staff);
    return { kind: 'handoff', text: staff ? MESSAGES.handoff[locale] : MESSAGES.handoffNoStaff[locale], buttons: [] };
  }

  /** Steps first; then who is coming, or, with nobody online, whom to call. */
  private emergencyReply(locale: Locale, staff = true): Reply {
    const text = `${MESSAGES.emergency[locale]}\n${staff ? MESSAGES.emergencyStaff[locale] : MESSAGES.noStaff[locale]}`;
    return { kind: 'emergency', text, buttons: [] };
  }

  private async safeStaffAvailable(): Promise<boolean> {
    try {
      return await this.deps.staffAvailable();
    } catch (err) {
      this.deps.log.error({ err }, 'staff availability unknown');
      return false;
    }
  }

  /** The store or the model failed: still the emergency text when in danger, otherwise an honest message. */
  private degraded(risk: Screening, screening: Screening, locale: Locale): TurnResult {
    if (risk.level === 'imminent') return { action: 'emergency', screening, risk, replies: [this.emergencyReply(locale, false)] };
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
  ): Promise<boolean> {
    try {
      await this.deps.conversations.save(conversationId, memory, { risk, escalate, topic });
      return true;
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'saving the turn failed');
      // The emergency text stays; anything else would promise what did not happen.
      if (result.action !== 'emergency') {
        result.replies = [{ kind: 'failure', text: MESSAGES.failure[memory.locale], buttons: [] }];
      }
      return false;
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
}
