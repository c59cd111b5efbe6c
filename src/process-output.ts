import { format } from 'node:util';
import type { Logger } from './logger';

let current: Logger | undefined;

/** `console.*` arguments as one log call: errors go to `err` (serialized safely), the rest to the message. */
function forward(level: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void {
  const logger = current;
  if (!logger) return;
  const err = args.find((arg) => arg instanceof Error);
  const message = format(...args.filter((arg) => arg !== err));
  if (err) logger[level]({ err, source: 'console' }, message);
  else logger[level]({ source: 'console' }, message);
}

/**
 * Makes everything the server process prints a JSON line of `logger`: `console.*` (libraries
 * such as graphql-ws report socket errors there, as multi-line stacks), Node's process warnings,
 * unhandled rejections (logged, the process keeps serving) and uncaught exceptions (logged as
 * fatal, then exit 1: the process state is unknown). Calling it again switches the logger.
 */
export function routeProcessOutput(logger: Logger): void {
  const first = current === undefined;
  current = logger;
  if (!first) return;
  console.log = (...args: unknown[]) => forward('info', args);
  console.info = (...args: unknown[]) => forward('info', args);
  console.debug = (...args: unknown[]) => forward('debug', args);
  console.warn = (...args: unknown[]) => forward('warn', args);
  console.error = (...args: unknown[]) => forward('error', args);
  process.removeAllListeners('warning');
  process.on('warning', (warning) => current?.warn({ err: warning }, warning.message));
  process.on('unhandledRejection', (reason) => current?.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    current?.fatal({ err: error }, `uncaught exception: ${error.message}`);
    process.exit(1);
  });
}
