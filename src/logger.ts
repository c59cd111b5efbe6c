import pino, { type Logger } from 'pino';
import { type SerializedError, serializeError } from './db/safe-error';

export type { Logger };

/**
 * Paths pino replaces with `[redacted]` wherever they appear in a log line.
 * Keys, secrets and authorization headers must never reach a log sink.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers["webhook-signature"]',
  'authorization',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'webhookSecret',
  '*.webhookSecret',
  'password',
  '*.password',
];

/**
 * Creates the process logger: JSON lines on stdout (or `destination`), secrets redacted, database
 * errors logged without their statement or values.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'reelgraph' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    hooks: {
      // `logger.error(error)` makes the error's message the line's `msg`, past the serializer:
      // use the serialized (database-safe) message instead.
      logMethod(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn) {
        const [first, ...rest] = args as unknown[];
        if (first instanceof Error && rest.length === 0) {
          return method.call(this, { err: first }, (serializeError(first) as SerializedError).message);
        }
        return method.apply(this, args);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
