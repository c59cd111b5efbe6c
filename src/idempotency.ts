import { createHash } from 'node:crypto';
import { type EntityManager, type EntityName, type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core';
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

/** Rows that can be created with an idempotency key. */
export interface Idempotent {
  idempotencyKey?: string | null;
  inputHash?: string | null;
}

/**
 * For a create-like mutation: the earlier result when `key` was used before (or CONFLICT when it
 * was used with another input), undefined when the key is new or absent.
 */
export async function replayIfKnown<T extends Idempotent & object>(em: EntityManager, entity: EntityName<T>, key: string | undefined, hash: string): Promise<T | undefined> {
  if (!key) return undefined;
  const existing = await em.findOne(entity, { idempotencyKey: key } as FilterQuery<T>);
  return existing ? replayOrConflict(existing as T, hash, key) : undefined;
}

/**
 * After an insert failed: when a concurrent request with the same key won the race, answer as it
 * did (or CONFLICT); rethrow anything else.
 */
export async function replayWinner<T extends Idempotent & object>(em: EntityManager, entity: EntityName<T>, key: string | undefined, hash: string, error: unknown): Promise<T> {
  if (!(error instanceof UniqueConstraintViolationException) || !key) throw error;
  const winner = await em.fork({ clear: true }).findOneOrFail(entity, { idempotencyKey: key } as FilterQuery<T>);
  return replayOrConflict(winner as T, hash, key);
}
