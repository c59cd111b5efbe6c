import OpenAI from 'openai';
import { AppError, ErrorCode } from '../errors';

/** An upstream failure, classified: the error to show and whether trying again may help. */
export interface UpstreamFailure {
  error: AppError;
  retryable: boolean;
  /** Upstream's own hint, from `retry-after-ms` / `retry-after`. */
  retryAfterMs?: number;
}

/** Contract error code for content the upstream's moderation refused. */
export const MODERATION_BLOCKED = 'moderation_blocked';

/**
 * Maps anything the `openai` SDK throws to a stable Reelgraph error.
 *
 * - 400 `moderation_blocked` → CONTENT_POLICY_VIOLATION (final)
 * - other 400/422 → BAD_USER_INPUT with the upstream's message and `param` as the field (final)
 * - 401/403 → UPSTREAM_UNAVAILABLE: Reelgraph's credentials are wrong, not the caller's input (retryable)
 * - 404 → UPSTREAM_ERROR: the upstream no longer knows the object (final)
 * - 429 → RATE_LIMITED with the upstream's retry hint (retryable)
 * - 5xx, timeouts, connection failures → UPSTREAM_UNAVAILABLE (retryable)
 */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof AppError) return { error, retryable: false };
  if (error instanceof OpenAI.APIConnectionError) {
    return { error: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The video service could not be reached. Reelgraph will retry.'), retryable: true };
  }
  if (error instanceof OpenAI.APIError) {
    const body = (error.error ?? {}) as { message?: string; code?: string | null; param?: string | null };
    const message = body.message ?? error.message;
    const status = error.status ?? 0;
    if (body.code === MODERATION_BLOCKED) {
      return { error: new AppError(ErrorCode.CONTENT_POLICY_VIOLATION, message, { upstreamCode: body.code }), retryable: false };
    }
    if (status === 400 || status === 422) {
      return { error: new AppError(ErrorCode.BAD_USER_INPUT, message, { field: body.param ? `input.${body.param}` : undefined, upstreamCode: body.code ?? undefined }), retryable: false };
    }
    if (status === 401 || status === 403) {
      return { error: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The video service refused Reelgraph\'s credentials; an operator must fix the upstream key.'), retryable: true };
    }
    if (status === 404) {
      return { error: new AppError(ErrorCode.UPSTREAM_ERROR, `The video service no longer has this object: ${message}`, { upstreamCode: body.code ?? undefined }), retryable: false };
    }
    if (status === 429) {
      const retryAfterMs = retryAfter(error.headers);
      return {
        error: new AppError(ErrorCode.RATE_LIMITED, 'The video service is rate limiting requests. Reelgraph will retry.', { retryAfterSeconds: retryAfterMs ? Math.ceil(retryAfterMs / 1000) : undefined }),
        retryable: true,
        retryAfterMs,
      };
    }
    return { error: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `The video service failed (HTTP ${status}). Reelgraph will retry.`), retryable: true };
  }
  return { error: new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'The video service call failed unexpectedly. Reelgraph will retry.'), retryable: true };
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const s = Number(headers?.get('retry-after'));
  if (Number.isFinite(s) && s > 0) return s * 1000;
  return undefined;
}
