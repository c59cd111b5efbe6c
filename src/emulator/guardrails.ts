/**
 * Deterministic stand-ins for upstream moderation: configurable substrings block a request at
 * create time or fail the job during rendering, and a fixed token fails it with an internal error.
 */
import type { ResolvedOptions } from './config';

/** Prompt token that always ends the job `failed` with `error.code = 'internal_error'`. */
export const FAIL_INTERNAL_TOKEN = 'EMULATOR_FAIL_INTERNAL';

/** Job-level error of a moderation failure (the message seen in real failed jobs). */
export const MODERATION_FAILURE = {
  code: 'moderation_blocked',
  message: 'Your request was blocked by our moderation system.',
} as const;

/** Job-level error of an internal failure (also used when ffmpeg itself fails). */
export const INTERNAL_FAILURE = {
  code: 'internal_error',
  message: 'The video could not be generated because of an internal error. Please try again.',
} as const;

function containsAny(text: string, terms: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return terms.some((t) => lower.includes(t.toLowerCase()));
}

/** True when `text` contains a `moderation.blockAtCreate` term (case-insensitive). */
export function isBlockedAtCreate(opts: ResolvedOptions, text: string): boolean {
  return containsAny(text, opts.moderation.blockAtCreate);
}

/** The job error a prompt forces during rendering, or null for a normal job. */
export function renderFailureFor(opts: ResolvedOptions, prompt: string): { code: string; message: string } | null {
  if (containsAny(prompt, opts.moderation.failDuringRender)) return { ...MODERATION_FAILURE };
  if (containsAny(prompt, [FAIL_INTERNAL_TOKEN])) return { ...INTERNAL_FAILURE };
  return null;
}
