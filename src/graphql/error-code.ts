import { registerEnumType } from 'type-graphql';
import { ErrorCode } from '../errors';

/**
 * When each code happens. Typed over every key of {@link ErrorCode}, so a code added to
 * src/errors.ts without a description here does not compile.
 */
const ERROR_CODE_DESCRIPTIONS: Record<keyof typeof ErrorCode, string> = {
  BAD_USER_INPUT:
    'A value in the request is invalid: an unsupported model, size or seconds, a prompt that is empty or too long, a malformed ID or cursor, `first`/`last` outside 1..100. ' +
    '`extensions.field` names the input and `extensions.allowed` lists the accepted values when they are few. Nothing was changed; fix the value and send again.',
  BAD_REQUEST:
    'The HTTP request is not one Reelgraph runs as sent: a persisted-query hash that does not match the text, a JSON batch, a subscription over HTTP (use the WebSocket or SSE), a mutation over GET, a malformed body.',
  NOT_FOUND: 'No object with that ID exists for this viewer (objects of other tenants are reported the same way).',
  CONFLICT:
    'The object is in the wrong state for the operation (e.g. editing a video that is not COMPLETED, cancelling one that already ended), or an `idempotencyKey` was reused with a different input.',
  UNAUTHENTICATED: 'The API key is missing, unknown or revoked (HTTP 401; WebSocket close 4401).',
  FORBIDDEN: 'The key may not do this: an admin-only operation with a member key, or an operator-only one (model pins, budgets) from another tenant.',
  CONTENT_POLICY_VIOLATION: 'The moderation screen or the video service refused the prompt or an input image; as a job failure it is not retryable: change the request.',
  RATE_LIMITED:
    'Too many requests for the key (HTTP 429 with `Retry-After` and `extensions.retryAfterSeconds`), too many active jobs for the tenant, or too many subscriptions on one connection. Retry later.',
  UPSTREAM_UNAVAILABLE: 'The video or moderation service could not be reached, failed (5xx) or refused Reelgraph\'s own credentials. Retryable; Reelgraph retries jobs it already accepted.',
  UPSTREAM_TIMEOUT: 'A job did not finish in time (JOB_MAX_AGE_SECONDS), or an offline batch expired before its item ran. Retryable.',
  UPSTREAM_ERROR: 'The video service reported a failure of the job; the message carries the upstream\'s own code. Usually retryable (see `retryable`).',
  ASSET_EXPIRED: 'The finished video could not be copied into Reelgraph storage before the video service deleted it. Retryable: retryVideo submits it again.',
  MODEL_SHUT_DOWN: 'The model or snapshot is past its shutdown date; the message names its replacement.',
  QUERY_TOO_COMPLEX:
    'The operation is larger, deeper or costlier than the limits, holds too many mutations, or its response would be too large. Ask for fewer fields or smaller pages.',
  BUDGET_EXCEEDED: 'The tenant\'s monthly budget cannot cover the job\'s estimated cost; the error says what remains.',
  CANCELLED: 'The work was cancelled: labels what a cancellation stopped, e.g. a storyboard whose scene video was cancelled.',
  INTERNAL_SERVER_ERROR: 'Something unexpected failed inside Reelgraph; it is logged with the request id and no details are sent. Retry, then report it.',
};

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description:
    'Stable error codes: the `extensions.code` of GraphQL errors and the code of a failed job (`VideoError.code`, `BatchItemError.code`). ' +
    'Branch on the code, not on the message. Documents Reelgraph cannot run at all also get GraphQL-level codes outside this enum: ' +
    'GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED and PERSISTED_QUERY_NOT_FOUND.',
  valuesConfig: Object.fromEntries(Object.entries(ERROR_CODE_DESCRIPTIONS).map(([code, description]) => [code, { description }])),
});

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/**
 * A stored error code (a string column) as an {@link ErrorCode}. Every code Reelgraph stores is one;
 * anything else (a row from before the enum, or none at all on a failed row) reads as
 * UPSTREAM_ERROR, the code of a job failure without a known cause, so the field never fails to serialize.
 */
export function toErrorCode(code: string | null | undefined): ErrorCode {
  return code && KNOWN_CODES.has(code) ? (code as ErrorCode) : ErrorCode.UPSTREAM_ERROR;
}

/** Re-exported so type files that use the GraphQL enum import the module that registers it. */
export { ErrorCode };
