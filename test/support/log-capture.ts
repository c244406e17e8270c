/** A pino destination a test can read back: every line the app logs, parsed, and the raw text to grep. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';

export interface LogCapture {
  log: Logger;
  /** Everything written so far, exactly as it would reach a log file. */
  text(): string;
  /** The lines as JSON objects. */
  lines(): Record<string, unknown>[];
  /** Lines at pino level `min` or above (error = 50). */
  atLeast(min: number): Record<string, unknown>[];
}

export function captureLog(level = 'trace'): LogCapture {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger(level, sink);
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    log,
    text: () => chunks.join(''),
    lines,
    atLeast: (min) => lines().filter((l) => Number(l.level) >= min),
  };
}
