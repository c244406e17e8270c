/**
 * One user turn, channel-independent: screen, look at the conversation's state, classify, decide, reply.
 * The channel has recorded the message before calling this (design: nothing is lost). Screening comes first and
 * the emergency reply depends on nothing that can fail.
 *
 * What she is told follows what crisis lines teach: believe her and say it is not her fault, name the danger
 * plainly, give two or three steps for now, offer choices, ask whether she is safe to talk, keep it short, and
 * never promise what the service cannot do. The words are data (`replies/bot.json`).
 */
import { botMayAnswer, type ConversationState, type ConversationView } from '../core/conversation.js';
import { decide, type Decision } from '../core/policy.js';
import type { CallbackPatch, DialogueMemory } from '../core/record.js';
import { riskRank, type Action, type Classification, type Locale, type RiskLevel, type Screening, type TopicId } from '../core/types.js';
import { DANGER_OF_SIGNAL, FOLLOW_UP_OF_SIGNAL, type WordKey, type Words } from '../core/words.js';
import { buttonIndex, renderAnswer, topicButton, type Button } from '../faq/render.js';
import type { FaqSet } from '../faq/schema.js';
import type { Logger } from '../log.js';
import { detectLocale } from '../nlu/text.js';

export type ReplyKind =
  | 'welcome'
  | 'answer'
  | 'menu'
  | 'ack'
  | 'danger'
  | 'steps'
  | 'offer_human'
  | 'handoff'
  | 'emergency'
  | 'intake'
  | 'failure'
  | 'unreadable';

export interface Reply {
  kind: ReplyKind;
  text: string;
  buttons: Button[];
}

export interface TurnResult {
  action: Action;
  locale: Locale;
  /** The message's own screening and the conversation's level after it. */
  screening: Screening;
  risk: Screening;
  replies: Reply[];
  /** What the classifier made of the message, when it could be asked. */
  classification?: Classification | undefined;
  /** This turn put the chat in the queue for a person. */
  escalated?: boolean;
}


/** The parts the dialogue needs, each of which may fail except screening. */
export interface DialogueDeps {
  /** `inDanger`: the chat was high or imminent before this message ("I'm in the bathroom" then means hiding). */
  screenMessage(text: string, options?: { inDanger?: boolean }): Screening;
  screenConversation(turns: readonly Screening[]): Screening;
  classify(text: string, locale: Locale): Promise<Classification>;
  faq(): FaqSet;
  words: Words;
  minScore: number;
  /** Whether a person can take a chat now. When none can, the chat is queued all the same and she is told so. */
  staffAvailable(): Promise<boolean>;
  /** The staffed hours in her language, for the honest "nobody is online". */
  staffedHours(locale: Locale): string;
  conversations: {
    load(conversationId: string): Promise<ConversationView>;
    /** Saves the memory and the turn's risk; `escalate` asks for a person (enqueue or re-prioritise). */
    save(
      conversationId: string,
      memory: DialogueMemory,
      turn: { risk: Screening; escalate: boolean; topic?: TopicId | undefined; offline?: boolean; callback?: CallbackPatch },
    ): Promise<{ state: string }>;
    /** Marks the conversation as welcomed; false when it was already. */
    welcome(conversationId: string, locale: Locale): Promise<boolean>;
    /** Remembers the language she chose. */
    relocalize(conversationId: string, locale: Locale): Promise<{ state: ConversationState }>;
  };
  log: Logger;
}

const MEMORY_TURNS = 10;
/** The classifier only reads the start of a very long message; screening reads all of it. */
const CLASSIFY_MAX_CHARS = 1000;
/** Within this many turns a repeated acknowledgement or step list is shortened, never repeated word for word. */
const RECENT = 3;
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
/** Offered beside the danger: the next things she may want. */
const HIGH_TOPICS: TopicId[] = ['protection_order.apply', 'shelter', 'safety.plan'];
const DISCLOSURE_TOPICS: TopicId[] = ['protection_order.apply', 'police.report', 'evidence.collect', 'safety.plan'];
/** Topics that are small talk: after a disclosure they are not "her question". */
const SMALL_TALK = new Set<TopicId>(['greeting', 'thanks', 'goodbye', 'bot.capabilities', 'out_of_scope', 'human.request']);
/** Offered to someone telling about another woman (a sister, a neighbour, a child). */
const THIRD_TOPICS: TopicId[] = ['report.others', 'protection_order.apply', 'shelter'];
/** After the full emergency text of a kind, the short line that keeps to it when nothing more specific fits. */
const FOLLOW_OF_EMERGENCY: Partial<Record<WordKey, WordKey>> = { emergency: 'followGeneric', emergencyThird: 'followThird', emergencySelfHarm: 'followSelfHarm' };
const WORDLIKE = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /[a-z]/i;
/**
 * Whether she asks something, not only tells: a question mark, or the words a question is made of. Told about
 * violence, the bot answers only a question she asked; the classifier's guess at a story goes to a button instead.
 */
const QUESTION_ZH = /[?？]|吗|怎么|怎样|咋|啥|什么|哪里|哪儿|哪个|谁|多久|多长时间|多少|能不能|可不可以|是不是|有没有|会不会|要不要|该不该|行不行|如何|为什么|请问|想问|问一下|咨询|(?:么|呢)[\s。.!！~～]*$/u;
const QUESTION_EN =
  /\?|^\s*(?:how|what|where|when|who|why|which|can|could|should|would|will|is|are|am|do|does|did|may|must)\b|\b(?:how (?:do|can|long|much|to)|what (?:should|can|do|if)|can i|could i|should i|do i|is it|is that|is this|does it|will he|will they)\b/i;

export function asksQuestion(text: string, locale: Locale): boolean {
  return locale === 'zh' ? QUESTION_ZH.test(text) || QUESTION_EN.test(text) : QUESTION_EN.test(text) || QUESTION_ZH.test(text);
}

type Tap = 'human' | 'leaveMessage' | 'leaveContact' | 'doNotContact' | 'safeYes' | 'safeNo';
const TAPS: Tap[] = ['human', 'leaveMessage', 'leaveContact', 'doNotContact', 'safeYes', 'safeNo'];

export class Dialogue {
  constructor(private readonly deps: DialogueDeps) {}

  private w(key: WordKey, locale: Locale, vars?: Record<string, string | number>): string {
    return this.deps.words(key, locale, vars);
  }

  /** The welcome, once per conversation (a reconnect or a second "hello" does not bring it back). */
  async welcome(conversationId: string, locale: Locale): Promise<Reply | undefined> {
    try {
      if (!(await this.deps.conversations.welcome(conversationId, locale))) return undefined;
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'conversation state unavailable');
    }
    return { kind: 'welcome', text: this.w('welcome', locale), buttons: this.menuButtons(locale) };
  }

  /**
   * She switched language: remembered for the rest of the chat, and a short greeting with the topic buttons in it;
   * nothing is said while a person is with her or about to be (the bot does not speak on its own then).
   */
  async relocalize(conversationId: string, locale: Locale): Promise<Reply | undefined> {
    try {
      const record = await this.deps.conversations.relocalize(conversationId, locale);
      if (!botMayAnswer(record.state)) return undefined;
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'conversation state unavailable');
    }
    return { kind: 'welcome', text: this.w('relocalized', locale), buttons: this.menuButtons(locale) };
  }

  unreadable(locale: Locale): Reply {
    return { kind: 'unreadable', text: this.w('unreadable', locale), buttons: [] };
  }

  /** For a message the store could not take: screening alone decides, and the numbers are always there. */
  emergencyFor(text: string, hint: string | undefined): { text: string; danger: boolean } {
    const screening = this.safeScreen(text);
    const fallback: Locale = hint?.toLowerCase().startsWith('en') ? 'en' : 'zh';
    const locale = WORDLIKE.test(text) ? detectLocale(text, fallback) : fallback;
    const danger = riskRank(screening.level) >= riskRank('high');
    return { text: danger ? this.w(this.emergencyKey(screening), locale) : this.w('failure', locale), danger };
  }

  /** Handles one user message. Never throws: a failure becomes an honest reply with the emergency numbers. */
  async handle(conversationId: string, rawText: string, hint?: Locale): Promise<TurnResult> {
    const text = rawText ?? '';
    let view: ConversationView | undefined;
    try {
      view = await this.deps.conversations.load(conversationId);
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'conversation state unavailable');
    }
    const previous = view?.memory;
    const before = previous?.screenings.length ? this.safeConversationRisk(previous.screenings, { level: 'none', signals: [] }).level : 'none';
    const screening = this.safeScreen(text, riskRank(before) >= riskRank('high'));
    const locale = this.localeOf(text, previous, hint);
    const turns = [...(previous?.screenings ?? []), screening].slice(-MEMORY_TURNS);
    const risk = this.safeConversationRisk(turns, screening);
    const previousLevel: RiskLevel = previous ? this.safeConversationRisk(previous.screenings, screening).level : 'none';
    if (riskRank(risk.level) > riskRank(previousLevel)) {
      // Only codes, never text: the console and the supervisors see why a chat rose.
      this.deps.log.warn({ conversationId, from: previousLevel, to: risk.level, signals: risk.signals }, 'risk rose');
    }
    if (!view) return this.degraded(risk, screening, locale);

    const memory: DialogueMemory = {
      welcomed: false,
      emergencyGiven: [],
      named: [],
      ...previous,
      locale,
      screenings: turns,
      lastWasMiss: previous?.lastWasMiss ?? false,
      turns: (previous?.turns ?? 0) + 1,
    };
    const turn = new Turn(this, memory, screening, risk, locale, view.state);
    // With a person holding the chat, her words are for that person: no intake question and no tap is the bot's.
    const held = view.state !== 'bot' && view.state !== 'queued';
    const tap = held ? undefined : this.tapOf(text);

    // She is answering a question the bot asked (leaving a message or a safe contact): danger still comes first.
    if (memory.awaiting && !held && screening.level !== 'imminent' && !tap) {
      return this.finishIntake(conversationId, turn, text);
    }
    if (tap === 'safeYes' || tap === 'safeNo') {
      turn.say('intake', this.w(tap, locale));
      return this.finish(conversationId, turn, { action: riskRank(risk.level) >= riskRank('high') ? 'handoff' : 'offer_human' });
    }
    if (tap === 'leaveMessage' || tap === 'leaveContact' || tap === 'doNotContact') {
      return this.startIntake(conversationId, turn, tap);
    }

    const staff = await this.safeStaffAvailable();
    if (!botMayAnswer(view.state)) {
      // With a person: the bot stays silent, except the emergency text on a new imminent signal. Waiting for one, it
      // answers nothing on its own (a question she types waits for the person), but she is not left without a word
      // when she tells of violence or danger: the acknowledgement, the danger named and the steps for now; and a
      // topic button the bot offered still answers when she taps it. With nobody online, a short note now and then
      // that what she writes is kept for staff.
      const waiting = view.state === 'queued';
      // With a person, only a new imminent signal (one the chat has not had): an answer to the person's question that
      // is imminent because the chat is ("yes, he is watching TV") is theirs to answer.
      const before = new Set(previous?.screenings.flatMap((s) => s.signals));
      const fresh = screening.signals.some((s) => s !== 'model' && !before.has(s));
      if (screening.level === 'imminent' && (waiting || fresh)) {
        const given = this.emergency(turn);
        if (waiting) {
          this.acknowledgeDanger(turn, given);
          this.answerTapped(turn, text);
        }
        return this.finish(conversationId, turn, { action: 'emergency', escalate: true });
      }
      if (waiting && riskRank(screening.level) >= riskRank('elevated')) {
        if (screening.level === 'high') this.highRisk(turn, screening);
        else this.acknowledge(turn, screening);
        this.answerTapped(turn, text);
      } else if (waiting) {
        this.answerTapped(turn, text);
      }
      if (waiting && !staff && (memory.savedToldAt === undefined || memory.turns - memory.savedToldAt >= 5)) {
        memory.savedToldAt = memory.turns;
        turn.say('intake', this.w('savedForStaff', locale), this.intakeButtons(locale));
      }
      return this.finish(conversationId, turn, { action: 'handoff', escalate: riskRank(risk.level) > riskRank(previousLevel) });
    }

    // The classifier is asked in any case (the topic helps staff), but danger never waits on it or depends on it.
    const classification = WORDLIKE.test(text) && !tap ? await this.safeClassify(conversationId, text, locale) : undefined;
    turn.classification = classification;

    if (screening.level === 'imminent') {
      // The steps for now come first, and nothing is said before them; the acknowledgement follows at once.
      this.acknowledgeDanger(turn, this.emergency(turn));
      await this.answerIfAsked(conversationId, turn, text, classification);
      this.escalation(turn, staff);
      return this.finish(conversationId, turn, { action: 'emergency', escalate: true, offline: !staff });
    }
    if (riskRank(risk.level) >= riskRank('high')) {
      this.highRisk(turn, screening, classification);
      await this.answerIfAsked(conversationId, turn, text, classification);
      this.escalation(turn, staff, true);
      return this.finish(conversationId, turn, { action: 'handoff', escalate: true, offline: !staff });
    }

    let decision: Decision;
    if (tap === 'human') decision = { action: 'handoff', topic: 'human.request' };
    else if (classification === undefined && WORDLIKE.test(text)) {
      // The model failed: screening has spoken; for the rest, an honest message.
      if (screening.level === 'elevated') this.acknowledge(turn, screening);
      turn.say('failure', this.w('failure', locale));
      return this.finish(conversationId, turn, { action: risk.level === 'elevated' ? 'offer_human' : 'clarify' });
    } else decision = this.decideFor(text, risk.level, memory.lastWasMiss, classification);
    memory.lastWasMiss = decision.miss !== undefined;
    memory.topic = decision.topic && !SMALL_TALK.has(decision.topic) ? decision.topic : memory.topic;

    if (decision.action === 'handoff') {
      if (screening.level === 'elevated') this.acknowledge(turn, screening);
      this.escalation(turn, staff);
      return this.finish(conversationId, turn, { action: 'handoff', escalate: true, offline: !staff, topic: decision.topic });
    }
    if (screening.level === 'elevated' || (risk.level === 'elevated' && decision.miss)) {
      // A disclosure is never met with "I did not understand". Her question is answered; a story she told gets the
      // topics that may help, the classifier's guess among them, rather than an answer to a question she did not ask.
      this.acknowledge(turn, screening, screening.level === 'none');
      const topic = decision.topic && !SMALL_TALK.has(decision.topic) ? decision.topic : undefined;
      if (topic && asksQuestion(text, locale)) this.answer(turn, text, topic);
      else turn.say('menu', this.w('disclosureLead', locale), this.topicButtons(withTopic(DISCLOSURE_TOPICS, topic), locale));
      this.offerPerson(turn, staff);
      return this.finish(conversationId, turn, { action: 'offer_human', topic: decision.topic });
    }
    this.replies(turn, decision, text, staff);
    return this.finish(conversationId, turn, { action: decision.action, topic: decision.topic });
  }

  // --- what she is told ---

  private emergencyKey(screening: Screening): WordKey {
    if (screening.signals.includes('self_harm_now') && !screening.signals.some((s) => s !== 'self_harm_now' && FOLLOW_UP_OF_SIGNAL[s] === 'followDanger')) return 'emergencySelfHarm';
    if (screening.third || screening.signals[0] === 'third_party_attack_now') return 'emergencyThird';
    return 'emergency';
  }

  /**
   * The full emergency text once (per kind); later turns get what fits the moment, and none of those short lines
   * twice within three turns. A message that is imminent only by what came before ("ok sent", "he has gone quiet")
   * keeps to the kind of emergency she already had. The numbers stay in view on the page.
   */
  private emergency(turn: Turn): 'full' | 'follow' | 'none' {
    const { memory, screening, locale } = turn;
    const signalled = screening.signals.some((s) => FOLLOW_UP_OF_SIGNAL[s] !== undefined);
    const last = memory.emergencyGiven.at(-1) as WordKey | undefined;
    const key = !signalled && last && FOLLOW_OF_EMERGENCY[last] ? last : this.emergencyKey(screening);
    if (!memory.emergencyGiven.includes(key)) {
      memory.emergencyGiven = [...memory.emergencyGiven, key];
      turn.say('emergency', this.w(key, locale));
      return 'full';
    }
    const said = memory.followAt ?? {};
    const candidates = [...screening.signals.map((s) => FOLLOW_UP_OF_SIGNAL[s]), FOLLOW_OF_EMERGENCY[key], 'followGeneric' as const, 'followStay' as const];
    const follow = candidates.find((k): k is WordKey => k !== undefined && (said[k] === undefined || memory.turns - said[k] > RECENT));
    if (!follow) return 'none';
    memory.followAt = { ...said, [follow]: memory.turns };
    turn.say('emergency', this.w(follow, locale));
    return 'follow';
  }

  /**
   * Not blaming, not doubting: the full acknowledgement, or a short "I am listening" when she had one in the last
   * turns (and for a message that tells nothing new).
   */
  private acknowledge(turn: Turn, screening: Screening, listening = false): void {
    turn.say('ack', this.w(this.ackKey(turn, screening, listening), turn.locale));
    turn.memory.ackAt = turn.memory.turns;
  }

  private ackKey(turn: Turn, screening: Screening, listening = false): WordKey {
    const recent = turn.memory.ackAt !== undefined && turn.memory.turns - turn.memory.ackAt < RECENT;
    return recent || listening ? 'ackAgain' : screening.third ? 'ackThird' : 'ack';
  }

  /**
   * After the emergency text: the acknowledgement (for her own life in danger, the words that meet that); after a
   * short follow-up line, only "I am listening".
   */
  private acknowledgeDanger(turn: Turn, given: 'full' | 'follow' | 'none'): void {
    const { memory } = turn;
    if (memory.emergencyGiven.at(-1) === 'emergencySelfHarm') {
      if (!memory.named.includes('danger.suicidal_thoughts')) {
        memory.named = [...memory.named, 'danger.suicidal_thoughts'];
        memory.ackAt = memory.turns;
        turn.say('danger', this.w('danger.suicidal_thoughts', turn.locale));
        return;
      }
      given = 'follow';
    }
    this.acknowledge(turn, turn.screening, given !== 'full');
  }

  /**
   * High risk: the danger named in a sentence, two or three steps for now (with the topics she may want next), and
   * whether she can talk. Told about another woman, the danger is named as hers and the steps are a helper's.
   */
  private highRisk(turn: Turn, screening: Screening, classification?: Classification): void {
    const { memory, locale } = turn;
    const third = turn.third;
    // The strongest danger in her own message not named yet; the chat's, or the general words, only if none was named.
    const own = third ? ['danger.third' as WordKey] : dangersOf(screening.signals);
    const unnamed = (keys: WordKey[]) => keys.find((k) => !memory.named.includes(k));
    const namedBefore = memory.named.some((k) => k.startsWith('danger.'));
    const named = unnamed(own) ?? (namedBefore ? undefined : (unnamed(dangersOf(turn.risk.signals)) ?? 'danger.general'));
    const ackKey = this.ackKey(turn, screening);
    if (riskRank(screening.level) >= riskRank('elevated')) memory.ackAt = memory.turns;
    if (named) memory.named = [...memory.named, named];
    const lead = [riskRank(screening.level) >= riskRank('elevated') ? this.w(ackKey, locale) : '', named ? this.w(named, locale) : ''].filter(Boolean).join('\n');
    if (lead) turn.say('danger', lead);
    if (memory.stepsAt === undefined || memory.turns - memory.stepsAt >= 2 * RECENT) {
      memory.stepsAt = memory.turns;
      const guess = classification && classification.score >= this.deps.minScore && !SMALL_TALK.has(classification.intent) ? classification.intent : undefined;
      turn.say('steps', this.w(third ? 'highStepsThird' : 'highSteps', locale), this.topicButtons(withTopic(third ? THIRD_TOPICS : HIGH_TOPICS, guess, true), locale));
    }
  }

  /** Into the queue, with the truth about who is there: a person coming, or nobody online and what she can do. */
  private escalation(turn: Turn, staff: boolean, askSafe = false): void {
    const { memory, locale } = turn;
    const ask = askSafe && (memory.safeAskedAt === undefined || memory.turns - memory.safeAskedAt >= 2 * RECENT);
    if (ask) memory.safeAskedAt = memory.turns;
    const safe = ask ? `\n${this.w('safeToTalk', locale)}` : '';
    const safeButtons = ask ? [this.tapButton('safeYes', locale), this.tapButton('safeNo', locale)] : [];
    if (staff) {
      turn.say('handoff', `${this.w('staffComing', locale)}${safe}`, safeButtons);
    } else {
      turn.say('handoff', `${this.w('noStaff', locale, { hours: this.deps.staffedHours(locale) })}${safe}`, [...safeButtons, ...this.intakeButtons(locale)]);
    }
  }

  private offerPerson(turn: Turn, staff: boolean): void {
    const { locale } = turn;
    if (staff) turn.say('offer_human', this.w('offerHuman', locale), [this.tapButton('human', locale)]);
    else turn.say('offer_human', this.w('offerHumanNoStaff', locale, { hours: this.deps.staffedHours(locale) }), [this.tapButton('leaveMessage', locale)]);
  }

  /** A topic button she tapped, answered (the bot offered it; she chose it). */
  private answerTapped(turn: Turn, text: string): void {
    const tapped = buttonIndex(this.deps.faq()).get(text.trim());
    if (tapped && !SMALL_TALK.has(tapped)) this.answer(turn, text, tapped);
  }

  /** Her question, answered, when she asked one (a tapped topic, or a question the FAQ knows with confidence). */
  private async answerIfAsked(conversationId: string, turn: Turn, text: string, known?: Classification): Promise<void> {
    const tapped = buttonIndex(this.deps.faq()).get(text.trim());
    if (!tapped && !asksQuestion(text, turn.locale)) return;
    const c = tapped ? { locale: turn.locale, intent: tapped, score: 1 } : (known ?? (WORDLIKE.test(text) ? await this.safeClassify(conversationId, text, turn.locale) : undefined));
    turn.classification ??= c;
    if (!c || c.score < this.deps.minScore || SMALL_TALK.has(c.intent)) return;
    turn.memory.topic = c.intent;
    this.answer(turn, text, c.intent);
  }

  private answer(turn: Turn, text: string, topic: TopicId): void {
    const faq = this.deps.faq();
    if (text.length > CLASSIFY_MAX_CHARS) turn.say('answer', this.w('tooLong', turn.locale));
    turn.say('answer', ...spread(renderAnswer(faq, faq[topic], turn.locale)));
  }

  private replies(turn: Turn, decision: Decision, text: string, staff: boolean): void {
    const { locale, memory } = turn;
    const faq = this.deps.faq();
    switch (decision.action) {
      case 'answer':
      case 'offer_human': {
        if (decision.topic === 'greeting' && memory.welcomed) turn.say('answer', this.w('greetingAgain', locale), this.menuButtons(locale));
        else if (decision.topic) this.answer(turn, text, decision.topic);
        else if (decision.miss === 'out_of_scope') turn.say('menu', faq.out_of_scope[locale].text);
        else turn.say('menu', this.w('clarify', locale));
        if (decision.topic === 'greeting') memory.welcomed = true;
        if (decision.action === 'offer_human') this.offerPerson(turn, staff);
        break;
      }
      case 'clarify': {
        const lead = decision.miss === 'out_of_scope' ? faq.out_of_scope[locale].text : this.w('clarify', locale);
        turn.say('menu', lead, this.menuButtons(locale));
        break;
      }
      default:
        break;
    }
  }

  // --- leaving a message while nobody is online ---

  private startIntake(conversationId: string, turn: Turn, tap: 'leaveMessage' | 'leaveContact' | 'doNotContact'): Promise<TurnResult> {
    const { memory, locale } = turn;
    // Leaving a message or a contact is asking for a person: the chat waits in the queue for the first one online.
    const action: Action = 'handoff';
    if (tap === 'doNotContact') {
      memory.awaiting = undefined;
      turn.say('intake', this.w('doNotContactSaved', locale));
      return this.finish(conversationId, turn, { action, escalate: true, offline: true, callback: { doNotContact: true } });
    }
    memory.awaiting = tap === 'leaveMessage' ? 'message_for_staff' : 'contact_way';
    turn.say('intake', this.w(tap === 'leaveMessage' ? 'leaveMessageAsk' : 'contactWayAsk', locale));
    return this.finish(conversationId, turn, { action, escalate: true, offline: true, callback: {} });
  }

  private finishIntake(conversationId: string, turn: Turn, text: string): Promise<TurnResult> {
    const { memory, locale } = turn;
    const answer = text.trim().slice(0, 1000);
    let callback: CallbackPatch;
    switch (memory.awaiting) {
      case 'message_for_staff':
        callback = { message: answer };
        memory.awaiting = undefined;
        turn.say('intake', this.w('leaveMessageSaved', locale), [this.tapButton('leaveContact', locale), this.tapButton('doNotContact', locale)]);
        break;
      case 'contact_way':
        callback = { contactWay: answer, doNotContact: false };
        memory.awaiting = 'contact_time';
        turn.say('intake', this.w('contactTimeAsk', locale));
        break;
      default:
        callback = { contactTime: answer };
        memory.awaiting = undefined;
        turn.say('intake', this.w('contactSaved', locale));
        break;
    }
    if (turn.screening.level === 'high' || turn.screening.level === 'elevated') {
      // What she tells comes first, before the note that her words are kept: at high risk the danger named and the
      // steps for now, as anywhere else in the chat.
      const kept = turn.replies.length;
      if (turn.screening.level === 'high') this.highRisk(turn, turn.screening);
      else this.acknowledge(turn, turn.screening);
      turn.replies.unshift(...turn.replies.splice(kept));
    }
    return this.finish(conversationId, turn, { action: 'handoff', escalate: true, offline: true, callback });
  }

  // --- plumbing ---

  private async finish(
    conversationId: string,
    turn: Turn,
    outcome: { action: Action; escalate?: boolean; offline?: boolean; topic?: TopicId | undefined; callback?: CallbackPatch },
  ): Promise<TurnResult> {
    const replies = buttonsLast(turn.replies);
    const result: TurnResult = { action: outcome.action, locale: turn.locale, screening: turn.screening, risk: turn.risk, replies, classification: turn.classification };
    try {
      const saved = await this.deps.conversations.save(conversationId, turn.memory, {
        risk: turn.risk,
        escalate: outcome.escalate ?? false,
        topic: outcome.topic ?? turn.memory.topic,
        offline: outcome.offline,
        callback: outcome.callback,
      });
      // Into the queue on this turn: channels that route chats to their own agents hear of it once.
      result.escalated = turn.state === 'bot' && saved.state === 'queued';
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'saving the turn failed');
      // The emergency text stays; anything else would promise what did not happen.
      if (result.action !== 'emergency') result.replies = [{ kind: 'failure', text: this.w('failure', turn.locale), buttons: [] }];
    }
    return result;
  }

  private decideFor(text: string, risk: RiskLevel, previousWasMiss: boolean, c: Classification | undefined): Decision {
    const minScore = this.deps.minScore;
    const policyRisk: RiskLevel = riskRank(risk) >= riskRank('elevated') ? 'elevated' : 'none';
    if (!WORDLIKE.test(text)) return decide({ risk: policyRisk, intent: 'out_of_scope', score: 0, minScore, previousWasMiss });
    const tapped = buttonIndex(this.deps.faq()).get(text.trim());
    if (tapped) return decide({ risk: policyRisk, intent: tapped, score: 1, minScore, previousWasMiss });
    return decide({ risk: policyRisk, intent: c?.intent ?? 'out_of_scope', score: c?.score ?? 0, minScore, previousWasMiss });
  }

  /**
   * Her language: what she writes, not the page she opened. Her first message chooses it even when it is a lone Latin
   * word ("hi", "hello?"); later, one Latin word ("ok", "app") says too little to switch from Chinese.
   */
  private localeOf(text: string, previous: DialogueMemory | undefined, hint: Locale | undefined): Locale {
    if (!WORDLIKE.test(text)) return previous?.locale ?? hint ?? 'zh';
    if (!previous?.turns && !HAN.test(text) && LATIN.test(text)) return 'en';
    return detectLocale(text, previous?.locale ?? hint);
  }

  private tapOf(text: string): Tap | undefined {
    const t = text.trim();
    return TAPS.find((tap) => t === this.w(`button.${tap}`, 'zh') || t === this.w(`button.${tap}`, 'en'));
  }

  private tapButton(tap: Tap, locale: Locale): Button {
    const title = this.w(`button.${tap}`, locale);
    return { title, value: title };
  }

  private intakeButtons(locale: Locale): Button[] {
    return [this.tapButton('leaveMessage', locale), this.tapButton('leaveContact', locale), this.tapButton('doNotContact', locale)];
  }

  private async safeClassify(conversationId: string, text: string, locale: Locale): Promise<Classification | undefined> {
    try {
      return await this.deps.classify(text.slice(0, CLASSIFY_MAX_CHARS), locale);
    } catch (err) {
      this.deps.log.error({ err, conversationId }, 'classification failed');
      return undefined;
    }
  }

  private async safeStaffAvailable(): Promise<boolean> {
    try {
      return await this.deps.staffAvailable();
    } catch (err) {
      this.deps.log.error({ err }, 'staff availability unknown');
      return false;
    }
  }

  /** The store failed: still the emergency text when in danger, otherwise an honest message. */
  private degraded(risk: Screening, screening: Screening, locale: Locale): TurnResult {
    if (risk.level === 'imminent') {
      return { action: 'emergency', locale, screening, risk, replies: [{ kind: 'emergency', text: this.w(this.emergencyKey(screening), locale), buttons: [] }] };
    }
    const replies: Reply[] = [{ kind: 'failure', text: this.w('failure', locale), buttons: [] }];
    return { action: risk.level === 'high' ? 'handoff' : 'offer_human', locale, screening, risk, replies };
  }

  safeScreen(text: string, inDanger = false): Screening {
    try {
      return this.deps.screenMessage(text, { inDanger });
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

  private topicButtons(topics: TopicId[], locale: Locale): Button[] {
    const faq = this.deps.faq();
    return topics.map((t) => topicButton(faq, t, locale));
  }

  private menuButtons(locale: Locale): Button[] {
    return [...this.topicButtons(MENU_TOPICS, locale), this.tapButton('human', locale)];
  }
}

/** One turn's working state: what she is told, in order. */
class Turn {
  readonly replies: Reply[] = [];
  classification: Classification | undefined;
  constructor(
    readonly dialogue: Dialogue,
    readonly memory: DialogueMemory,
    readonly screening: Screening,
    readonly risk: Screening,
    readonly locale: Locale,
    /** The conversation's state before this turn. */
    readonly state: string,
  ) {}

  get third(): boolean {
    return this.screening.third === true;
  }

  say(kind: ReplyKind, text: string, buttons: Button[] = []): void {
    if (text) this.replies.push({ kind, text, buttons });
  }
}

const DANGER_ORDER: WordKey[] = [...new Set(Object.values(DANGER_OF_SIGNAL))];

/** The dangers the signals name, the strongest first (the order of `DANGER_OF_SIGNAL`). */
function dangersOf(signals: readonly string[]): WordKey[] {
  const keys = new Set(signals.map((s) => DANGER_OF_SIGNAL[s]).filter((k): k is WordKey => k !== undefined));
  return DANGER_ORDER.filter((k) => keys.has(k));
}

/**
 * A chat shows the buttons of its last message only (Web Chat's suggested actions, and most channels'), so a turn's
 * buttons all go with its last reply, in the order they were offered: the topics beside the danger stay in view
 * next to "Leave a message" and "I can talk now".
 */
function buttonsLast(replies: Reply[]): Reply[] {
  if (replies.length < 2) return replies;
  const seen = new Set<string>();
  const buttons = replies.flatMap((r) => r.buttons).filter((b) => !seen.has(b.value) && seen.add(b.value));
  return replies.map((r, i) => ({ ...r, buttons: i === replies.length - 1 ? buttons : [] }));
}

/** The topics with the classifier's guess added (first, or last with `after`), without duplicates. */
function withTopic(topics: TopicId[], guess: TopicId | undefined, after = false): TopicId[] {
  if (!guess || topics.includes(guess)) return topics;
  return after ? [...topics, guess] : [guess, ...topics];
}

function spread(answer: { text: string; buttons: Button[] }): [string, Button[]] {
  return [answer.text, answer.buttons];
}
