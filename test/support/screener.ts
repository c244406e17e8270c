/** The screener as the service runs it: with the risk model built at install (built here when it is missing). */
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';
import { buildRiskModel } from '../../src/safety/build.js';
import { loadRiskModel, Screener } from '../../src/safety/screener.js';

let cached: Screener | undefined;

export function serviceScreener(): Screener {
  if (cached) return cached;
  const { model } = loadRiskModel(PROJECT_ROOT, resolve(PROJECT_ROOT, '.cache', 'risk'));
  cached = new Screener(model ?? buildRiskModel(PROJECT_ROOT));
  return cached;
}
