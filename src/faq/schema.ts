/** The shape of one FAQ answer file, `faq/<topic id>.json`. */
import { z } from 'zod';
import { TOPIC_IDS, type TopicId } from '../core/types.js';

const topicId = z.enum(TOPIC_IDS, { error: (i) => `unknown topic id ${JSON.stringify(i.input)}` });

const localized = (maxTitle: number, maxText: number) =>
  z.object({
    title: z.string().trim().min(1, 'required').max(maxTitle, `at most ${maxTitle} characters`),
    text: z.string().trim().min(1, 'required').max(maxText, `at most ${maxText} characters`),
    cites: z.array(z.string().trim().min(1, 'empty citation')).max(8, 'at most 8 citations'),
  });

/** The parts of an answer that admins edit. */
export const faqAnswerFields = {
  followUps: z.array(topicId).max(3, 'at most 3 follow-up topics'),
  zh: localized(12, 600),
  en: localized(32, 1500),
};

export const faqEntrySchema = z
  .object({
    intent: topicId,
    lastReviewed: z.iso.date('must be a date like 2026-11-25'),
    reviewer: z.string().trim().min(1, 'required'),
    ...faqAnswerFields,
  })
  .superRefine((entry, ctx) => {
    const seen = new Set<string>();
    entry.followUps.forEach((f, i) => {
      if (f === entry.intent || f === 'out_of_scope') {
        ctx.addIssue({ code: 'custom', path: ['followUps', i], message: `cannot offer ${f} as a follow-up` });
      } else if (seen.has(f)) {
        ctx.addIssue({ code: 'custom', path: ['followUps', i], message: `${f} is offered twice` });
      }
      seen.add(f);
    });
  });

export type FaqEntry = z.infer<typeof faqEntrySchema>;
export type FaqSet = Record<TopicId, FaqEntry>;
