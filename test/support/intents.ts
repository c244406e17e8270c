/**
 * A small copy of the training sentences (the first few of every topic), for tests of publishing and retraining:
 * they need a model that learns a new sentence, not an accurate one, and this one trains in seconds, not a minute.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCALES } from '../../src/core/types.js';
import { PROJECT_ROOT } from '../../src/paths.js';

let dir: string | undefined;

export function smallIntentsDir(perTopic = 15): string {
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'hotline-intents-'));
  for (const locale of LOCALES) {
    const file = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'intents', `${locale}.json`), 'utf8')) as { utterances: Record<string, string[]> };
    const utterances = Object.fromEntries(Object.entries(file.utterances).map(([topic, list]) => [topic, list.slice(0, perTopic)]));
    writeFileSync(join(dir, `${locale}.json`), JSON.stringify({ ...file, utterances }, null, 2));
  }
  return dir;
}
