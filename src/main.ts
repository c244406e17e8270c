/** Process start: read the config, build the app, listen, shut down cleanly on SIGTERM. */
import './http/quiet-restify.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { DataFileError } from './data-file.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  const { port, setupUrl } = await app.listen();
  app.log.info(
    { port, host: config.host, store: config.shared ? 'redis' : 'memory' },
    `listening on http://${config.host}:${port} (widget at /, console at /console)`,
  );
  if (!config.shared) {
    app.log.warn('memory store: nothing is kept across a restart; set REDIS_URL for real use');
  }
  if (setupUrl) {
    // Printed once, to the person who started the service, and not into the structured log.
    process.stdout.write(`\nNo staff account yet. Create the first admin here (the link works once):\n  ${setupUrl}\n\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  // One clear line for the errors a person can fix (a setting, a data file); the stack for the rest.
  if (err instanceof ConfigError || err instanceof DataFileError) {
    process.stderr.write(`cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
