/**
 * The build after TypeScript (`npm run build`, which `npm install` and `npm ci` run through `prepare`): the page
 * and data files beside the compiled code, then both models, so that the service never trains at start. A model
 * already built for the same data is kept.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { pino } from 'pino';
import { loadCorpus } from '../src/nlu/corpus.js';
import { IntentModel } from '../src/nlu/model.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { buildRiskModel } from '../src/safety/build.js';
import { serialize } from '../src/safety/model.js';
import { riskModelFile, riskModelHash } from '../src/safety/screener.js';

const ASSETS = new Set(['.json', '.html', '.css', '.js', '.svg']);
const say = (line: string) => process.stdout.write(`build: ${line}\n`);

function copyAssets(from: string, to: string): number {
  let n = 0;
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) n += copyAssets(source, join(to, name));
    else if (ASSETS.has(extname(name))) {
      mkdirSync(to, { recursive: true });
      cpSync(source, join(to, name));
      n++;
    }
  }
  return n;
}

async function main(): Promise<void> {
  const dist = join(PROJECT_ROOT, 'dist', 'src');
  say(`${copyAssets(join(PROJECT_ROOT, 'src'), dist)} page and data files copied to ${relative(PROJECT_ROOT, dist)}`);

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
