/**
 * Request validation with the contract's wording (§2, §6). Pure checks; lookups that need state
 * (characters, files, reference images) live in `references.ts`.
 */
import {
  ApiError,
  invalidType,
  invalidValue,
  missingParameter,
  moderationRejected,
  quotedList,
  stringLength,
  unknownParameter,
} from './errors';
import type { ResolvedOptions } from './config';
import { isBlockedAtCreate } from './guardrails';
import { UploadedFile } from './multipart';

/** Every model id the emulator accepts (contract §0). */
export const MODELS = ['sora-2', 'sora-2-pro', 'sora-2-2025-10-06', 'sora-2-2025-12-08', 'sora-2-pro-2025-10-06'] as const;
/** Defaults when a create omits the field (contract §2.1). */
export const DEFAULT_MODEL = 'sora-2';
/** Default clip length. */
export const DEFAULT_SECONDS = '4';
/** Default frame size. */
export const DEFAULT_SIZE = '720x1280';
/** Longest accepted prompt. */
export const PROMPT_MAX = 32000;

const SIZES_720 = ['720x1280', '1280x720'];
const SIZES_PRO = ['1024x1792', '1792x1024'];
const SIZES_1080 = ['1920x1080', '1080x1920'];

/** Durations accepted for a new clip or an extension segment. */
export function allowedSeconds(strict: boolean): string[] {
  return strict ? ['4', '8', '12'] : ['4', '8', '12', '16', '20'];
}

/** Every size the API knows (the size enum in error messages). */
export function allSizes(strict: boolean): string[] {
  return strict ? [...SIZES_720, ...SIZES_PRO] : [...SIZES_720, ...SIZES_PRO, ...SIZES_1080];
}

/** True for the sora-2-pro family (pro and its snapshots). */
export function isPro(model: string): boolean {
  return model.startsWith('sora-2-pro');
}

/** Sizes a model renders: sora-2* 720p only; sora-2-pro* also 1024x1792/1792x1024 and (non-strict) 1080p. */
export function sizesForModel(model: string, strict: boolean): string[] {
  if (!isPro(model)) return SIZES_720;
  return strict ? [...SIZES_720, ...SIZES_PRO] : [...SIZES_720, ...SIZES_PRO, ...SIZES_1080];
}

/** Parses `WxH`. */
export function parseSize(size: string): { width: number; height: number } {
  const [w, h] = size.split('x').map(Number);
  return { width: w, height: h };
}

/** 400 for the first key of `body` not in `allowed` (nested keys reported as `a.b`). */
export function rejectUnknownKeys(body: Record<string, unknown>, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw unknownParameter(`${prefix}${key}`);
  }
}

/** Required prompt, 1..32000 characters, and not blocked by the create-time guardrail. */
export function parsePrompt(body: Record<string, unknown>): string {
  const v = body.prompt;
  if (v === undefined) throw missingParameter('prompt');
  if (typeof v !== 'string') throw invalidType('prompt', 'a string', v);
  if (v.length < 1 || v.length > PROMPT_MAX) throw stringLength('prompt', v, 1, PROMPT_MAX);
  return v;
}

/** Create-time moderation check; run after every other validation. */
export function checkModeration(opts: ResolvedOptions, text: string, param = 'prompt'): void {
  if (isBlockedAtCreate(opts, text)) throw moderationRejected(param);
}

/** Optional model, default `sora-2`. */
export function parseModel(v: unknown): string {
  if (v === undefined) return DEFAULT_MODEL;
  if (typeof v !== 'string') throw invalidType('model', 'a string', v);
  if (!(MODELS as readonly string[]).includes(v)) throw invalidValue('model', v, MODELS);
  return v;
}

/** `seconds` as string or integer; returns the canonical string. */
export function parseSeconds(v: unknown, strict: boolean, required = false): string {
  if (v === undefined) {
    if (required) throw missingParameter('seconds');
    return DEFAULT_SECONDS;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw invalidType('seconds', 'a string', v);
  const s = String(v).trim();
  const allowed = allowedSeconds(strict);
  if (!allowed.includes(s)) throw invalidValue('seconds', String(v), allowed);
  return s;
}

/** Optional size, default `720x1280`, checked against the enum and then the model. */
export function parseSizeParam(v: unknown, model: string, strict: boolean): string {
  if (v === undefined) {
    return DEFAULT_SIZE;
  }
  if (typeof v !== 'string') throw invalidType('size', 'a string', v);
  const all = allSizes(strict);
  if (!all.includes(v)) throw invalidValue('size', v, all);
  const forModel = sizesForModel(model, strict);
  if (!forModel.includes(v)) {
    throw new ApiError(
      400,
      `Invalid value: '${v}'. Supported values for model '${model}' are: ${quotedList(forModel)}.`,
      'invalid_request_error',
      'size',
      'invalid_value',
    );
  }
  return v;
}

/** `characters: [{id}]` (JSON) or `characters[][id]` (multipart); at most two. Returns the ids. */
export function parseCharacterRefs(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw invalidType('characters', 'an array', v);
  if (v.length > 2) {
    throw new ApiError(
      400,
      `Invalid 'characters': array too long. Expected an array with maximum length 2, but got an array with length ${v.length} instead.`,
      'invalid_request_error',
      'characters',
      'array_above_max_length',
    );
  }
  return v.map((item, i) => {
    const param = `characters[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidType(param, 'an object', item);
    rejectUnknownKeys(item as Record<string, unknown>, ['id'], `${param}.`);
    const id = (item as Record<string, unknown>).id;
    if (id === undefined) throw missingParameter(`${param}.id`);
    if (typeof id !== 'string' || id === '') throw invalidType(`${param}.id`, 'a non-empty string', id);
    return id;
  });
}

/** A video reference `{id}` (JSON) / `video[id]` (multipart). Uploaded clips are not supported. */
export function parseVideoRef(v: unknown): string {
  if (v === undefined) throw missingParameter('video');
  if (v instanceof UploadedFile) {
    throw new ApiError(
      400,
      "Uploading a video to 'video' is not available for this organization. Reference a generated video with {\"id\": \"video_…\"} (multipart: video[id]) instead.",
      'invalid_request_error',
      'video',
      'unsupported_value',
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidType('video', 'an object', v);
  rejectUnknownKeys(v as Record<string, unknown>, ['id'], 'video.');
  const id = (v as Record<string, unknown>).id;
  if (id === undefined) throw missingParameter('video.id');
  if (typeof id !== 'string' || id === '') throw invalidType('video.id', 'a non-empty string', id);
  return id;
}

/** Shape of `input_reference` before any lookup. */
export type ReferenceInput =
  | { kind: 'upload'; file: UploadedFile }
  | { kind: 'file_id'; fileId: string }
  | { kind: 'image_url'; url: string };

/** Max length of `input_reference.image_url` (contract §2.1). */
export const IMAGE_URL_MAX = 20_971_520;

/**
 * `input_reference`: multipart file, or object with exactly one of `file_id` / `image_url`.
 * In multipart a plain string is the contract's "expected a file, but got a string" error.
 */
export function parseReferenceInput(v: unknown, multipart: boolean): ReferenceInput | null {
  if (v === undefined) return null;
  if (v instanceof UploadedFile) return { kind: 'upload', file: v };
  if (typeof v === 'string' && multipart) throw invalidType('input_reference', 'a file', v);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw invalidType('input_reference', multipart ? 'a file' : 'an object', v);
  }
  const o = v as Record<string, unknown>;
  rejectUnknownKeys(o, ['file_id', 'image_url'], 'input_reference.');
  const keys = Object.keys(o);
  if (keys.length !== 1) {
    throw new ApiError(
      400,
      "Invalid 'input_reference': expected exactly one of 'file_id' or 'image_url'.",
      'invalid_request_error',
      'input_reference',
      'invalid_value',
    );
  }
  if (o.file_id !== undefined) {
    if (typeof o.file_id !== 'string' || !o.file_id) throw invalidType('input_reference.file_id', 'a non-empty string', o.file_id);
    return { kind: 'file_id', fileId: o.file_id };
  }
  if (typeof o.image_url !== 'string') throw invalidType('input_reference.image_url', 'a string', o.image_url);
  if (o.image_url.length < 1 || o.image_url.length > IMAGE_URL_MAX) {
    throw stringLength('input_reference.image_url', o.image_url, 1, IMAGE_URL_MAX);
  }
  return { kind: 'image_url', url: o.image_url };
}

/** Character name, 1..80 characters. */
export function parseCharacterName(v: unknown): string {
  if (v === undefined) throw missingParameter('name');
  if (typeof v !== 'string') throw invalidType('name', 'a string', v);
  if (v.length < 1 || v.length > 80) throw stringLength('name', v, 1, 80);
  return v;
}
