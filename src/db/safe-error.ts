import { DriverException } from '@mikro-orm/core';

/** An error as it appears in a log line (pino's `err` shape). */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

/**
 * Fields of a database error that name what failed without quoting what was stored. The driver's
 * `detail`, `where`, `hint` and `internalQuery` are left out: PostgreSQL puts row values there
 * ("Key (slug)=(acme) already exists.").
 */
const SAFE_DB_FIELDS = ['code', 'errno', 'sqlState', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine', 'rawCode'] as const;

/** A message knex built as `<statement with values inlined> - <driver message>`. */
const WITH_STATEMENT = /^\s*(select|insert|update|delete|with|create|alter|drop|begin|commit|rollback|savepoint|release|pragma|set|lock|truncate)\s[\s\S]* - /i;

/**
 * Values a driver message may quote: literals (`invalid input syntax for type uuid: "x"`) and
 * PostgreSQL's key listings (`Key (slug)=(acme)`).
 */
const QUOTED = /'(?:[^']|'')*'|"[^"]*"|\)=\([^)]*\)/g;

type ErrorLike = Error & Record<string, unknown>;

function isErrorLike(value: unknown): value is ErrorLike {
  return value instanceof Error;
}

/** MikroORM's wrapped exceptions, raw `pg` errors (they carry `routine`) and libsql's errors. */
function isDatabaseError(error: ErrorLike): boolean {
  return (
    error instanceof DriverException ||
    (typeof error.severity === 'string' && typeof error.routine === 'string') ||
    error.name === 'LibsqlError' ||
    WITH_STATEMENT.test(error.message)
  );
}

/**
 * The driver's own words, without the statement knex put in front of them (MikroORM inlines the
 * parameters into it, so it holds the tenant's prompt) and with quoted values masked.
 */
export function safeDatabaseMessage(message: string): string {
  // The last separator: values inside the statement may contain ' - ' themselves.
  const own = WITH_STATEMENT.test(message) ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return own.replace(QUOTED, (quoted) => (quoted.startsWith(')') ? ')=(…)' : '"…"'));
}

/** MikroORM appends PostgreSQL's `detail` and `hint` (row values) to the message: take them off again. */
function withoutAppendedFields(error: ErrorLike): string {
  let message = error.message;
  for (const field of ['hint', 'detail']) {
    const suffix = `\n - ${field}: ${String(error[field])}`;
    if (error[field] !== undefined && message.endsWith(suffix)) message = message.slice(0, -suffix.length);
  }
  return message;
}

/** Only the `at …` frames of a stack: its first line repeats the message, which may hold values. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  return stack.split('\n').filter((line) => line.trim().startsWith('at ')).join('\n');
}

function serializeDatabaseError(error: ErrorLike): SerializedError {
  const out: SerializedError = { type: error.name, message: safeDatabaseMessage(withoutAppendedFields(error)), stack: framesOf(error.stack) };
  for (const field of SAFE_DB_FIELDS) {
    const value = error[field];
    if (typeof value === 'string' || typeof value === 'number') out[field] = value;
  }
  return out;
}

/**
 * pino serializer for `err`: like pino's own (type, message, stack, own fields, cause), except
 * that a database error anywhere in the cause chain keeps only what names the failure (class,
 * code, SQLSTATE, constraint, table, column) and never the statement, its parameters or the
 * values PostgreSQL quotes back, so user content (prompts, metadata) never reaches a log sink.
 */
export function serializeError(value: unknown, depth = 0): unknown {
  if (!isErrorLike(value)) return value;
  if (isDatabaseError(value)) return serializeDatabaseError(value);
  const out: SerializedError = { type: value.name, message: value.message, stack: value.stack };
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'cause' && field !== undefined && typeof field !== 'function') out[key] = field;
  }
  // A cause chain deeper than a few links is a bug of its own; stop rather than recurse forever.
  if (value.cause !== undefined && depth < 5) out.cause = serializeError(value.cause, depth + 1);
  return out;
}
