/** Shared domain vocabulary. The ids are a contract (../shared/spec/topics.md): never rename one. */

export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const TOPIC_IDS = [
  'greeting',
  'thanks',
  'goodbye',
  'bot.capabilities',
  'human.request',
  'dv.definition',
  'dv.cohabitant',
  'protection_order.apply',
  'protection_order.timeline',
  'protection_order.measures',
  'protection_order.violation',
  'police.report',
  'police.warning_letter',
  'evidence.collect',
  'injury.assessment',
  'shelter',
  'legal_aid',
  'divorce.dv',
  'custody.children',
  'children.safety',
  'counseling',
  'safety.plan',
  'hotlines',
  'privacy',
  'federation.services',
  'report.others',
  'economic.control',
  'sexual.violence',
  'criminal.prosecution',
  'self_defence',
  'pregnancy',
  'children.taken',
  'online_abuse',
  'elderly_disabled',
  'out_of_scope',
] as const;
export type TopicId = (typeof TOPIC_IDS)[number];

export function isTopicId(value: string): value is TopicId {
  return (TOPIC_IDS as readonly string[]).includes(value);
}

/** Ordered from least to most dangerous; the order is used for comparisons. */
export const RISK_LEVELS = ['none', 'elevated', 'high', 'imminent'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank(a) >= riskRank(b) ? a : b;
}

export const ACTIONS = ['answer', 'clarify', 'offer_human', 'handoff', 'emergency'] as const;
export type Action = (typeof ACTIONS)[number];

/** The result of danger screening: one level and the stable codes of the signals that fired. */
export interface Screening {
  level: RiskLevel;
  signals: string[];
  /** The danger is told of someone else (a sister, a neighbour): the advice is for helping her. */
  third?: boolean | undefined;
}

export interface Classification {
  locale: Locale;
  intent: TopicId;
  score: number;
}
