/** `npm run bench`: every benchmark prints its figures next to a bare baseline measured in the same run. */
import { benchClassify } from './classify.js';
import { benchHandoff } from './handoff.js';
import { benchRetrain } from './retrain.js';
import { benchScreen } from './screen.js';
import { benchSse } from './sse.js';
import { benchStartup } from './startup.js';
import { benchZhTokenizers } from './zh-tokenizers.js';

const sections: [string, () => Promise<void>][] = [
  ['danger screening', benchScreen],
  ['classification', benchClassify],
  ['retraining after an FAQ publication', benchRetrain],
  ['start-up', benchStartup],
  ['handoff on Redis', benchHandoff],
  ['console events (SSE fan-out)', benchSse],
  ['Chinese tokenizer choice', benchZhTokenizers],
];

for (const [name, run] of sections) {
  console.log(`\n== ${name}`);
  await run();
}
