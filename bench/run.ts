/** `npm run bench`: every benchmark prints its figures next to a bare baseline measured in the same run. */
import { benchClassify } from './classify.js';
import { benchCrossValidation } from './cross-validation.js';
import { benchHandoff } from './handoff.js';
import { benchRetrain } from './retrain.js';
import { benchScreen } from './screen.js';
import { benchSse } from './sse.js';
import { benchStartup } from './startup.js';
import { benchSoak } from './soak.js';
import { benchTurns } from './turns.js';
import { benchZhTokenizers } from './zh-tokenizers.js';

const sections: [string, () => Promise<void>][] = [
  ['danger screening', benchScreen],
  ['classification', benchClassify],
  ['retraining after an FAQ publication', benchRetrain],
  ['start-up', benchStartup],
  ['Direct Line turns under load', benchTurns],
  ['memory over 100,000 turns (embedded store)', benchSoak],
  ['handoff on Redis', benchHandoff],
  ['console events (SSE fan-out)', benchSse],
  ['Chinese tokenizer choice', benchZhTokenizers],
  ['intent cross-validation', benchCrossValidation],
];

// `npm run bench -- startup turns` runs those sections only.
const only = process.argv.slice(2);
for (const [name, run] of sections.filter(([name]) => !only.length || only.some((o) => name.includes(o)))) {
  console.log(`\n== ${name}`);
  await run();
}
