/** The policy: what the bot does with one user turn, given the danger level and the classifier's guess. */
import type { Action, RiskLevel, TopicId } from './types.js';

export interface PolicyInput {
  /** The conversation's danger level, this turn included. */
  risk: RiskLevel;
  intent: TopicId;
  score: number;
  /** Below this score the classifier's guess is not trusted. */
  minScore: number;
  /** Whether the bot's previous turn in this conversation was a miss. */
  previousWasMiss: boolean;
}

/** A turn in which the bot could not help: the menu was offered, or the message was off topic. */
export type Miss = 'clarify' | 'out_of_scope';

export interface Decision {
  action: Action;
  /** The topic to answer with, when the reply carries an FAQ answer. */
  topic?: TopicId;
  /** Set when this turn was a miss; two in a row offer a person. */
  miss?: Miss;
}

export function decide(input: PolicyInput): Decision {
  const { risk, intent, score, minScore, previousWasMiss } = input;
  // Danger comes first and does not depend on the classifier at all.
  if (risk === 'imminent') return { action: 'emergency' };
  if (risk === 'high') return { action: 'handoff' };

  const confident = score >= minScore;
  if (confident && intent === 'human.request') return { action: 'handoff' };

  const miss: Miss | undefined = !confident ? 'clarify' : intent === 'out_of_scope' ? 'out_of_scope' : undefined;
  if (miss) {
    // A second miss in a row, or a miss in a conversation that disclosed abuse, offers a person.
    if (previousWasMiss || risk === 'elevated') return { action: 'offer_human', miss };
    return { action: 'clarify', miss };
  }
  // An answer in a conversation with disclosed abuse keeps the offer of a person visible.
  if (risk === 'elevated') return { action: 'offer_human', topic: intent };
  return { action: 'answer', topic: intent };
}
