/**
 * The build after TypeScript (`npm run build`, which `npm install` and `npm ci` run through `prepare`): both models,
 * so that the service never trains at start. A model already built for the same data is kept. (Pages and data
 * tables are read from src/ by the compiled code too.)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pino } from 'pino';
import { loadCorpus } from '../src/nlu/corpus.js';
import { IntentModel } from '../src/nlu/model.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { buildRiskModel } from '../src/safety/build.js';
import { serialize } from '../src/safety/model.js';
import { riskModelFile, riskModelHash } from '../src/safety/screener.js';

const say = (line: string) => process.stdout.write(`build: ${line}\n`);

async function main(): Promise<void> {
  const cache = join(PROJECT_ROOT, '.cache');
  const riskFile = riskModelFile(join(cache, 'risk'), riskModelHash(PROJECT_ROOT));
  if (existsSync(riskFile)) say(`risk model up to date (${relative(PROJECT_ROOT, riskFile)})`);
  else {
    say('training the risk model from risk/corpus.*.jsonl ...');
    const started = Date.now();
    const model = buildRiskModel(PROJECT_ROOT);
    mkdirSync(dirname(riskFile), { recursive: true });
    writeFileSync(riskFile, serialize(model));
    say(`risk model trained in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(PROJECT_ROOT, riskFile)})`);
  }

  say('intent model: loading it for intents/*.json, or training it (about a minute) ...');
  const started = Date.now();
  const log = pino({ level: 'silent' });
  const model = new IntentModel({ cacheDir: join(cache, 'nlu'), log, inline: true });
  await model.load(loadCorpus(join(PROJECT_ROOT, 'intents')));
  say(`intent model ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
