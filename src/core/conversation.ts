/** Conversation states and the one transition function that moves between them. */
import type { DialogueMemory } from './record.js';

export const CONVERSATION_STATES = ['bot', 'queued', 'agent', 'closed'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export type Transition =
  | { type: 'enqueue' } // handoff or emergency: a person is needed
  | { type: 'claim'; agent: string }
  | { type: 'release' } // back to the queue
  | { type: 'transfer'; to: string }
  | { type: 'resolve' } // the bot takes over again
  | { type: 'close' };

export interface StateView {
  state: ConversationState;
  assignee?: string | undefined;
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: ConversationState,
    readonly transition: Transition['type'],
  ) {
    super(`cannot ${transition} a conversation in state ${from}`);
  }
}

/** Returns the next state, or throws IllegalTransitionError for a move the design does not allow. */
export function transition(current: StateView, move: Transition): StateView {
  const { state } = current;
  switch (move.type) {
    case 'enqueue':
      // A chat already waiting or with a person stays where it is; re-prioritising is the queue's job.
      if (state === 'bot') return { state: 'queued' };
      break;
    case 'claim':
      if (state === 'queued') return { state: 'agent', assignee: move.agent };
      break;
    case 'release':
      if (state === 'agent') return { state: 'queued' };
      break;
    case 'transfer':
      if (state === 'agent' && move.to !== current.assignee) return { state: 'agent', assignee: move.to };
      break;
    case 'resolve':
      if (state === 'agent') return { state: 'bot' };
      break;
    case 'close':
      if (state !== 'closed') return { state: 'closed' };
      break;
  }
  throw new IllegalTransitionError(state, move.type);
}

/** While a person is needed or present, the bot does not answer on its own. */
export function botMayAnswer(state: ConversationState): boolean {
  return state === 'bot';
}

export interface ConversationView {
  state: ConversationState;
  memory: DialogueMemory | undefined;
}
