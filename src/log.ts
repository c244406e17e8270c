/** The pino logger. Message text and personal data never reach a log line: callers log ids and codes, and
 * these paths are redacted in case an object carrying them is logged by mistake. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const REDACT = [
  'text',
  '*.text',
  'message.text',
  '*.message.text',
  'activity',
  '*.activity',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'name',
  '*.name',
  'displayName',
  '*.displayName',
  'phone',
  '*.phone',
  'address',
  '*.address',
  'notes',
  '*.notes',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/**
 * The one way an error reaches a log line: its type, message, code and stack, nothing else. Client errors carry
 * more (ioredis puts the command's arguments, a whole conversation record, on its errors); none of it is kept.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  // JSON.parse quotes the text it failed on, in the message and the stack's first line: a stored record, her words.
  const quoting = err instanceof SyntaxError;
  const message = quoting ? 'text is not valid JSON' : err.message;
  return {
    type: err.name || err.constructor?.name || 'Error',
    message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: quoting && err.stack ? [`${err.name}: ${message}`, ...err.stack.split('\n').filter((l) => /^\s+at /.test(l))].join('\n') : err.stack,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotline-bot' },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}
