/**
 * Id generators. Shapes follow the real API (`video_` + 48 hex, `file-` + 24 alphanumerics, …)
 * so clients that wrongly parse ids fail the same way here; clients must treat them as opaque.
 */
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function alnum(n: number): string {
  const b = randomBytes(n);
  let s = '';
  // 256 % 62 bias is irrelevant for ids that only need to be unique.
  for (let i = 0; i < n; i++) s += ALNUM[b[i] % ALNUM.length];
  return s;
}

/** `video_` + 48 hex chars. */
export const videoId = (): string => `video_${hex(24)}`;
/** `char_` + 32 hex chars. */
export const characterId = (): string => `char_${hex(16)}`;
/** `file-` + 24 alphanumerics. */
export const fileId = (): string => `file-${alnum(24)}`;
/** `batch_` + 32 hex chars. */
export const batchId = (): string => `batch_${hex(16)}`;
/** `batch_req_` + 32 hex chars (one output/error line). */
export const batchRequestId = (): string => `batch_req_${hex(16)}`;
/** `req_` + 32 hex chars (the `x-request-id` header). */
export const requestId = (): string => `req_${hex(16)}`;
/** `evt_` + 32 hex chars (webhook event body id). */
export const eventId = (): string => `evt_${hex(16)}`;
/** `wh_` + 32 hex chars (the `webhook-id` header, stable across retries). */
export const webhookMessageId = (): string => `wh_${hex(16)}`;
/** `modr-` + 32 hex chars (a moderation result). */
export const moderationId = (): string => `modr-${hex(16)}`;
