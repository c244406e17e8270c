/** What changed between two versions of a topic, field by field, for the admin's diff and conflict views. */
import { diffChars, diffWordsWithSpace, type Change } from 'diff';
import type { FaqDocument } from '../faq/document.js';

export type FieldChange =
  | { field: string; kind: 'text'; parts: { value: string; added?: true; removed?: true }[] }
  | { field: string; kind: 'list'; added: string[]; removed: string[] };

function textChange(field: string, before: string, after: string, byChar: boolean): FieldChange | undefined {
  if (before === after) return undefined;
  const changes: Change[] = byChar ? diffChars(before, after) : diffWordsWithSpace(before, after);
  return {
    field,
    kind: 'text',
    parts: changes.map((c) => ({ value: c.value, ...(c.added ? { added: true as const } : {}), ...(c.removed ? { removed: true as const } : {}) })),
  };
}

function listChange(field: string, before: string[], after: string[]): FieldChange | undefined {
  const was = new Set(before);
  const now = new Set(after);
  const added = after.filter((x) => !was.has(x));
  const removed = before.filter((x) => !now.has(x));
  const reordered = !added.length && !removed.length && before.join('\n') !== after.join('\n');
  if (!added.length && !removed.length && !reordered) return undefined;
  return { field, kind: 'list', added, removed };
}

export function diffDocuments(before: FaqDocument, after: FaqDocument): FieldChange[] {
  const a = before.entry;
  const b = after.entry;
  const changes = [
    textChange('zh.title', a.zh.title, b.zh.title, true),
    textChange('zh.text', a.zh.text, b.zh.text, true),
    listChange('zh.cites', a.zh.cites, b.zh.cites),
    textChange('en.title', a.en.title, b.en.title, false),
    textChange('en.text', a.en.text, b.en.text, false),
    listChange('en.cites', a.en.cites, b.en.cites),
    listChange('followUps', a.followUps, b.followUps),
    textChange('lastReviewed', a.lastReviewed, b.lastReviewed, false),
    textChange('reviewer', a.reviewer, b.reviewer, false),
    listChange('utterances.zh', before.utterances.zh, after.utterances.zh),
    listChange('utterances.en', before.utterances.en, after.utterances.en),
  ];
  return changes.filter((c): c is FieldChange => c !== undefined);
}
