import type { LogContext, Logger as OrmLogger, LoggerNamespace } from '@mikro-orm/core';
import type { Logger } from '../logger';

/** Receives every SQL statement the ORM runs (after it ran). */
export type QueryListener = (sql: string, tookMs: number | undefined) => void;

/**
 * MikroORM logger that forwards ORM messages to pino and tells listeners about each query.
 * Tests count queries through it (a page of 50 must cost what a page of 1 costs); metrics too.
 */
export class QueryLog implements OrmLogger {
  private readonly listeners = new Set<QueryListener>();

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns the function that removes it. */
  listen(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  log(namespace: LoggerNamespace | string, message: string): void {
    this.logger.debug({ namespace }, message);
  }

  error(namespace: LoggerNamespace | string, message: string): void {
    this.logger.error({ namespace }, message);
  }

  warn(namespace: LoggerNamespace | string, message: string): void {
    this.logger.warn({ namespace }, message);
  }

  logQuery(context: LogContext): void {
    const sql = context.query ?? '';
    for (const listener of this.listeners) listener(sql, context.took);
    if (this.logger.isLevelEnabled('trace')) this.logger.trace({ sql, took: context.took }, 'sql');
  }

  setDebugMode(): void {}

  isEnabled(namespace: LoggerNamespace): boolean {
    // 'query-params' would make MikroORM inline the parameters (prompts, metadata) into the logged SQL.
    if (namespace === 'query-params') return false;
    return namespace === 'query' || this.logger.isLevelEnabled('debug');
  }
}
