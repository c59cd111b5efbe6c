import { GraphQLError } from 'graphql';

/**
 * Stable error codes. Clients branch on `extensions.code`; the message is for humans and may change.
 * The same codes label a failed job's `Video.error.code`.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The HTTP request itself is not a GraphQL request Reelgraph serves (batch, persisted-query mismatch, subscription over HTTP). */
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CONTENT_POLICY_VIOLATION: 'CONTENT_POLICY_VIOLATION',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_ERROR: 'UPSTREAM_ERROR',
  ASSET_EXPIRED: 'ASSET_EXPIRED',
  MODEL_SHUT_DOWN: 'MODEL_SHUT_DOWN',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** A job was cancelled (labels what it stopped, e.g. a storyboard whose scene was cancelled). */
  CANCELLED: 'CANCELLED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Extra, machine-readable detail carried in `extensions` next to the code. */
export interface ErrorDetails {
  /** Input path of the offending field, e.g. `input.size`. */
  field?: string;
  /** The values the field accepts, when they form a short list. */
  allowed?: readonly (string | number)[];
  /** Seconds after which a retry may succeed (rate limits). */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/**
 * An expected failure with a stable code. Services throw it; the GraphQL error policy passes it to
 * the client unmasked (anything else is logged and masked as INTERNAL_SERVER_ERROR).
 */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
    this.name = 'AppError';
  }
}

/** A bad value in the request: names the field and, where short, the accepted values. */
export function badInput(field: string, message: string, allowed?: readonly (string | number)[]): AppError {
  return new AppError(ErrorCode.BAD_USER_INPUT, message, allowed ? { field, allowed } : { field });
}

/** The id does not exist for this viewer (also used for other tenants' ids, so nothing leaks). */
export function notFound(typeName: string, id: string, field?: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `No ${typeName} with id '${id}' exists.`, field ? { field } : {});
}

/** Joins values as "a, b or c" for messages. */
export function listValues(values: readonly (string | number)[], conjunction = 'or'): string {
  const items = values.map(String);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
