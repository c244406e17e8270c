/** The pino logger. Message text and personal data never reach a log line: callers log ids and codes, and
 * these paths are redacted in case an object carrying them is logged by mistake. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const REDACT = [
  'text',
  '*.text',
  'message',
  '*.message.text',
  'activity.text',
  '*.activity.text',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'name',
  '*.name',
  'phone',
  '*.phone',
  'address',
  '*.address',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hotline-bot' },
      redact: { paths: REDACT, censor: '[redacted]' },
      // Error objects are kept, but never their message when it could echo user input: callers pass codes.
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
