/** Screening cost per typical message against a bare baseline: one NFKC pass and one regex over the text. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/app.js';
import { screenRules } from '../src/safety/screen.js';
import { serviceScreener } from '../test/support/screener.js';
import { row, summarize, timeEach } from './stats.js';

export async function benchScreen(): Promise<void> {
  const texts = readFileSync(resolve(PROJECT_ROOT, 'test/safety/eval-set.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const inputs = Array.from({ length: 10 }, () => texts).flat();
  const bare = /刀|knife|救命|help/u;
  const screener = serviceScreener();
  const rules = await timeEach(inputs, (t) => screenRules(t));
  const ours = await timeEach(inputs, (t) => screener.screenMessage(t));
  const baseline = await timeEach(inputs, (t) => bare.test(t.normalize('NFKC').toLowerCase()));
  console.log(row(`screen one message, rules + model (${inputs.length})`, summarize(ours), summarize(baseline)));
  console.log(row(`screen one message, rules alone (${inputs.length})`, summarize(rules), summarize(baseline)));
}
