import { AsyncLocalStorage } from 'node:async_hooks';
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

/** The request (HTTP or WebSocket operation) the code running now works for. */
const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/**
 * Runs `fn` on behalf of request `reqId`: every line logged from it, and from the async work it
 * starts, carries `reqId`, so an error line can be matched with the id the client was given.
 */
export function runWithRequestId<T>(reqId: string, fn: () => T): T {
  return requestScope.run({ reqId }, fn);
}

/** The id of the request the code running now works for, if any (background work has none). */
export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.reqId;
}

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
    // A fresh object: pino merges the line's fields into what the mixin returns.
    mixin: () => {
      const store = requestScope.getStore();
      return store ? { reqId: store.reqId } : {};
    },
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
