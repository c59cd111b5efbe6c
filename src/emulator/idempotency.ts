/**
 * `Idempotency-Key` on job-creating requests: the same key with the same request gives back the
 * job it created the first time (no second job, no second record entry); the same key with a
 * different request is refused. A client that lost a response (timeout, crash) can therefore
 * retry safely. Keys are kept with their video (and persisted with it), so they last as long as
 * the job does; keys are global to the emulator, which serves one account.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from './errors';
import { UploadedFile } from './multipart';
import type { Store, VideoState } from './store';

/** Longest accepted key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The key a new job is created under, with the fingerprint of the request that created it. */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

/** Hash of what was asked: operation, target and body (uploaded files by name and size). */
function fingerprint(operation: string, body: Record<string, unknown>): string {
  const json = JSON.stringify(body, (_k, v: unknown) => (v instanceof UploadedFile ? { file: v.filename, bytes: v.size } : v));
  return createHash('sha256').update(`${operation}\n${json}`).digest('hex');
}

function keyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(
      400,
      `Invalid 'Idempotency-Key' header: expected 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces.`,
      'invalid_request_error',
      'Idempotency-Key',
      'invalid_value',
    );
  }
  return key;
}

function reused(key: string): ApiError {
  return new ApiError(
    400,
    `Idempotency-Key '${key}' was already used for a different request. Use a new key for a new job, or resend exactly the original request.`,
    'invalid_request_error',
    'Idempotency-Key',
    'idempotency_key_reused',
  );
}

/** Runs job-creating requests under their `Idempotency-Key` (when honoured and sent). */
export class IdempotencyKeys {
  /** Requests still being admitted: a retry arriving meanwhile waits for the first instead of racing it. */
  private readonly inFlight = new Map<string, { fingerprint: string; job: Promise<VideoState> }>();

  constructor(
    private readonly store: Store,
    private readonly enabled: boolean,
  ) {}

  /** Creates the job with `create`, or returns the one this key already created. */
  async run(req: Request, operation: string, body: Record<string, unknown>, create: (claim?: IdempotencyClaim) => Promise<VideoState>): Promise<VideoState> {
    const key = this.enabled ? keyOf(req) : undefined;
    if (key === undefined) return create();
    const print = fingerprint(operation, body);
    const existing = this.store.videoByIdempotencyKey(key);
    if (existing) {
      if (existing.requestFingerprint !== print) throw reused(key);
      return existing;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      if (pending.fingerprint !== print) throw reused(key);
      return pending.job;
    }
    const job = create({ key, fingerprint: print });
    this.inFlight.set(key, { fingerprint: print, job });
    try {
      return await job;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
