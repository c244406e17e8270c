/**
 * The conversation record and the staff account: zod schemas are the source of the types, so that what the
 * store reads back (from Redis, say) is validated against the same definition the code is written against.
 */
import { z } from 'zod';
import { CONVERSATION_STATES } from './conversation.js';
import { LOCALES, RISK_LEVELS, TOPIC_IDS } from './types.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where a conversation came from; a channel never reads or writes another channel's conversations. */
export const CHANNELS = ['directline', 'botframework', 'cli'] as const;
export type Channel = (typeof CHANNELS)[number];

export const OUTCOMES = [
  'information_given',
  'referred_police',
  'referred_court',
  'referred_shelter',
  'referred_legal_aid',
  'referred_counselling',
  'referred_hospital',
  'follow_up_agreed',
  'safe_callback_consented',
  'no_contact_wanted',
  'left_without_reply',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

const level = z.enum(RISK_LEVELS);
const screening = z.object({ level, signals: z.array(z.string()) });

/** What the dialogue remembers between turns. */
export const dialogueMemorySchema = z.object({
  locale: z.enum(LOCALES),
  /** Per-message screenings, latest last: the recent turns the conversation level is judged on. */
  screenings: z.array(screening),
  lastWasMiss: z.boolean(),
  topic: z.enum(TOPIC_IDS).optional(),
  /** Turns she has written, counting this one. */
  turns: z.number().int().nonnegative().default(0),
  /** The emergency texts she has had in full (each once; later turns get what fits the moment). */
  emergencyGiven: z.array(z.string()).default([]),
  /** The dangers already named for her. */
  named: z.array(z.string()).default([]),
  /** The turns on which she last had an acknowledgement, the steps for now, the question whether she can talk,
   * and the note that her messages are saved for staff. */
  ackAt: z.number().int().optional(),
  stepsAt: z.number().int().optional(),
  safeAskedAt: z.number().int().optional(),
  savedToldAt: z.number().int().optional(),
  /** The turn on which each short emergency follow-up was last said (none is repeated word for word within three turns). */
  followAt: z.record(z.string(), z.number().int()).optional(),
  /** She was welcomed (the welcome is said once). */
  welcomed: z.boolean().default(false),
  /** The bot asked her something and reads her next message as the answer. */
  awaiting: z.enum(['message_for_staff', 'contact_way', 'contact_time']).optional(),
});
export type DialogueMemory = z.infer<typeof dialogueMemorySchema>;

export const noteSchema = z.object({ by: z.string(), at: z.number(), text: z.string() });
export type Note = z.infer<typeof noteSchema>;

export const referralRefSchema = z.object({ id: z.string(), name: z.string(), kind: z.string() });

export const resolutionSchema = z.object({
  outcome: z.enum(OUTCOMES),
  at: z.number(),
  by: z.string(),
  referrals: z.array(referralRefSchema).default([]),
});
export type Resolution = z.infer<typeof resolutionSchema>;

export const CALLBACK_RESULTS = ['reached', 'not_reached', 'not_safe', 'cancelled'] as const;

/**
 * A request to be contacted: left by her while nobody was online, or agreed with staff at resolve. The free text
 * lives here, in the record, and expires with it; reports hold only that a callback existed and its state.
 */
export const callbackSchema = z.object({
  kind: z.enum(['offline_request', 'safe_callback']),
  requestedAt: z.number(),
  /** Her message for staff, in her words. */
  message: z.string().optional(),
  /** A safe way to reach her (free text: a number, "text only", "my sister's phone"). */
  contactWay: z.string().optional(),
  /** When it is safe (free text), and the time staff should act by. */
  contactTime: z.string().optional(),
  due: z.number(),
  /** She said she must not be contacted. */
  doNotContact: z.boolean().default(false),
  state: z.enum(['open', 'done']),
  doneAt: z.number().optional(),
  doneBy: z.string().optional(),
  result: z.enum(CALLBACK_RESULTS).optional(),
});
export type Callback = z.infer<typeof callbackSchema>;
/** A change to the callback request she is leaving (nobody online). */
export type CallbackPatch = Partial<Pick<Callback, 'message' | 'contactWay' | 'contactTime' | 'doNotContact'>>;

export const conversationRecordSchema = z.object({
  id: z.string(),
  /** Incremented by every successful update; the compare-and-set key. */
  version: z.number().int().nonnegative(),
  channel: z.enum(CHANNELS),
  state: z.enum(CONVERSATION_STATES),
  locale: z.enum(LOCALES),
  risk: level,
  signals: z.array(z.string()),
  topic: z.enum(TOPIC_IDS).optional(),
  /** The staff member holding the chat (login name; never sent to her). */
  assignee: z.string().optional(),
  /** Everyone who has held the chat: an agent's case history shows the chats she held. */
  heldBy: z.array(z.string()).default([]),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When she last wrote. */
  lastUserAt: z.number().optional(),
  waitingSince: z.number().optional(),
  /** Queued while nobody was online: she was told so, and the first staff member in sees it first. */
  queuedOffline: z.boolean().default(false),
  /** A serialized Bot Framework conversation reference, for proactive messages on that channel. */
  reference: z.record(z.string(), z.unknown()).optional(),
  memory: dialogueMemorySchema.optional(),
  notes: z.array(noteSchema).default([]),
  resolution: resolutionSchema.optional(),
  /** Partners staff sent her in this chat (the resolve records them in the outcome). */
  referralsSent: z.array(referralRefSchema).default([]),
  callback: callbackSchema.optional(),
  /** Her last place in the queue that she was told, and when. */
  toldPosition: z.object({ position: z.number(), at: z.number() }).optional(),
});
export type ConversationRecord = z.infer<typeof conversationRecordSchema>;

export function newConversation(id: string, channel: Channel, now: number, locale: z.infer<typeof dialogueMemorySchema>['locale'] = 'zh'): ConversationRecord {
  return { id, version: 0, channel, state: 'bot', locale, risk: 'none', signals: [], heldBy: [], createdAt: now, updatedAt: now, queuedOffline: false, notes: [], referralsSent: [] };
}

export const userSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  passwordHash: z.string(),
  createdAt: z.number(),
  disabled: z.boolean().optional(),
  /** An opaque id shown to her instead of the login name (from.id of staff messages). */
  publicId: z.string().optional(),
  /** Base32 secret for time-based one-time passwords, when set up. */
  totpSecret: z.string().optional(),
  /** Sessions created before this instant are void (disable, role change, password reset). */
  sessionsValidFrom: z.number().optional(),
});
export type User = z.infer<typeof userSchema>;
