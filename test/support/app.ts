/** Builds the whole app for a test, on the memory store, with a quiet logger and the model trained once. */
import { resolve } from 'node:path';
import { buildApp, PROJECT_ROOT, type App, type BuildOptions } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

/**
 * Tests train in the test's own thread, which holds Redis replies up meanwhile: a generous command timeout, unless a
 * test sets its own (the service's 1 s is for production, where training runs in a worker).
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ LOG_LEVEL: 'silent', PORT: '0', NLU_CACHE_DIR: resolve(PROJECT_ROOT, '.cache/nlu'), REDIS_COMMAND_TIMEOUT_MS: '10000', ...env });
}

export async function buildTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<App> {
  const app = await buildApp(testConfig(env), { log: createLogger('silent'), trainInline: true, ...options });
  await app.modelReady;
  return app;
}
