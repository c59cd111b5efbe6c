import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from './errors';

/** SHA-256 of a canonical JSON rendering (keys sorted), so equal inputs hash equal whatever their key order. */
export function inputHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Returns the earlier result when a key is reused with the same input; a reuse with a different
 * input is a CONFLICT (the client has a bug, and guessing which input it meant would be worse).
 */
export function replayOrConflict<T extends { inputHash?: string | null }>(existing: T, hash: string, key: string): T {
  if (existing.inputHash === hash) return existing;
  throw new AppError(
    ErrorCode.CONFLICT,
    `idempotencyKey '${key}' was already used with a different input. Use a new key for a new request, or resend the original input to get the original result.`,
    { field: 'input.idempotencyKey' },
  );
}
