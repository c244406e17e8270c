/** Screening cost per typical message against a bare baseline: one NFKC pass and one regex over the text. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/app.js';
import { screenMessage } from '../src/safety/screen.js';
import { row, summarize, timeEach } from './stats.js';

export async function benchScreen(): Promise<void> {
  const texts = readFileSync(resolve(PROJECT_ROOT, 'test/safety/eval-set.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const inputs = Array.from({ length: 10 }, () => texts).flat();
  const bare = /刀|knife|救命|help/u;
  const ours = await timeEach(inputs, (t) => screenMessage(t));
  const baseline = await timeEach(inputs, (t) => bare.test(t.normalize('NFKC').toLowerCase()));
  console.log(row(`screen one message (${inputs.length})`, summarize(ours), summarize(baseline)));
}
