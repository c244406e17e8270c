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

  // Floods: a message of many short lines, at three lengths. Linear screening doubles its time with the length.
  for (const [name, unit] of [
    ['short lines', '好\n'],
    ['short sentences', '他又喝多了。我很害怕，\n'],
    ['English lines', 'he hit me\n'],
  ] as const) {
    const times: string[] = [];
    for (const chars of [5_000, 10_000, 20_000]) {
      const text = unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
      const ms = (await timeEach([text, text, text, text, text], (t) => screener.screenMessage(t))).sort((a, b) => a - b)[2]!;
      const bareMs = (await timeEach([text, text, text, text, text], (t) => bare.test(t.normalize('NFKC').toLowerCase()))).sort((a, b) => a - b)[2]!;
      times.push(`${chars / 1000}k chars ${ms.toFixed(1)} ms (bare ${bareMs.toFixed(2)} ms)`);
    }
    console.log(`screen a long message of ${name.padEnd(16)} ${times.join(', ')}`);
  }
}
