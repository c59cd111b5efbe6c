import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { controlCharacterIn } from '../../control-characters';
import { AppError, badInput, ErrorCode } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import type { LocalStorage } from '../../storage/local-storage';
import { ulid } from '../../ids';
import type { Guardrails } from '../guardrails/guardrails';
import type { ModelRouter, Resolution } from '../models/model-router';
import { UploadKind } from '../uploads/upload.entity';
import type { UploadService } from '../uploads/upload.service';
import { MAX_PROMPT_LENGTH } from '../videos/video.inputs';
import type { BatchItemInput, SubmitBatchInput } from './batch.inputs';

/** Largest batch, as the upstream Batch API allows. */
export const MAX_BATCH_ITEMS = 50_000;

/** A validated item, ready to become a job. */
export interface BatchItem {
  /** The job id (chosen now: canary routing hashes it). */
  id: string;
  customId: string;
  prompt: string;
  model: string;
  resolved: Resolution;
  size: string;
  seconds: number;
}

/** What one raw item looks like before validation (inline input or a JSONL line). */
interface RawItem {
  customId?: unknown;
  prompt?: unknown;
  model?: unknown;
  size?: unknown;
  seconds?: unknown;
}

/**
 * Reads and validates every item before anything is stored or sent, with the same rules as
 * createVideo. The first bad item rejects the whole batch with its index, customId and the reason.
 */
export async function readItems(ctx: RequestContext, input: SubmitBatchInput, router: ModelRouter, guardrails: Guardrails, uploads: UploadService, storage: LocalStorage): Promise<BatchItem[]> {
  if (Boolean(input.items) === Boolean(input.itemsUploadId)) {
    throw badInput('input.items', 'Give the items inline in `items` or as a JSON Lines upload in `itemsUploadId` (exactly one of them).');
  }
  const raw: { item: RawItem; where: string; field: string }[] = [];
  if (input.items) {
    input.items.forEach((item: BatchItemInput, i) => raw.push({ item, where: `items[${i}]`, field: `input.items[${i}]` }));
  } else {
    const upload = await uploads.require(ctx.em, input.itemsUploadId as string, UploadKind.JSONL, 'input.itemsUploadId');
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(storage.pathOf(upload.storageKey)), crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      if (raw.length >= MAX_BATCH_ITEMS) break;
      raw.push({ item: parseLine(text, line), where: `line ${line}`, field: 'input.itemsUploadId' });
    }
  }
  if (raw.length === 0) throw badInput('input.items', 'A batch needs at least one item.');
  if (raw.length > MAX_BATCH_ITEMS) throw badInput('input.items', `A batch holds at most ${MAX_BATCH_ITEMS} items.`);
  const seen = new Set<string>();
  const pins = await router.pins.states(ctx.em);
  const items = raw.map(({ item, where, field }, index) => {
    const customId = typeof item.customId === 'string' ? item.customId : '';
    const fail = (message: string, suffix: string, allowed?: readonly (string | number)[]) =>
      new AppError(ErrorCode.BAD_USER_INPUT, `${where}${customId ? ` (customId '${customId}')` : ''}: ${message}`, {
        field: field.startsWith('input.items[') ? `${field}.${suffix}` : field,
        index,
        customId: customId || undefined,
        allowed,
      });
    if (customId.length < 1 || customId.length > 255) throw fail('customId must be 1 to 255 characters.', 'customId');
    // JSON Lines items do not pass through GraphQL's argument check, which refuses these for inline items.
    const customIdControl = controlCharacterIn(customId);
    if (customIdControl) throw fail(`customId contains the control character ${customIdControl}; remove it.`, 'customId');
    if (seen.has(customId)) throw fail('customId is used by an earlier item; each item needs its own.', 'customId');
    seen.add(customId);
    const prompt = typeof item.prompt === 'string' ? item.prompt : '';
    if (prompt.trim().length === 0 || prompt.length > MAX_PROMPT_LENGTH) throw fail(`prompt must be 1 to ${MAX_PROMPT_LENGTH} characters of text.`, 'prompt');
    const promptControl = controlCharacterIn(prompt);
    if (promptControl) throw fail(`prompt contains the control character ${promptControl}; remove it (tab, line feed and carriage return are allowed).`, 'prompt');
    const model = item.model === undefined ? 'sora-2' : String(item.model);
    const size = item.size === undefined ? '720x1280' : String(item.size);
    const seconds = item.seconds === undefined ? 4 : Number(item.seconds);
    try {
      const id = ulid();
      const resolved = router.resolveWith(pins, ctx.warnings, model, id, 'model');
      router.catalog.requireCapability(resolved.spec, 'batch', 'model');
      router.catalog.checkOutput(resolved.spec, size, seconds, { size: 'size', seconds: 'seconds' });
      guardrails.policy.check(prompt, 'prompt');
      return { id, customId, prompt, model, resolved, size, seconds };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const suffix = String(error.extensions.field ?? 'model');
      throw new AppError(error.code, `${where}${customId ? ` (customId '${customId}')` : ''}: ${error.message}`, {
        ...error.extensions,
        field: field.startsWith('input.items[') ? `${field}.${suffix}` : field,
        index,
        customId: customId || undefined,
      });
    }
  });
  // The moderation endpoint (when configured) screens every prompt, in chunks, before anything is stored.
  await guardrails.screen(items.map((item, i) => ({ text: item.prompt, field: raw[i].field.startsWith('input.items[') ? `${raw[i].field}.prompt` : `${raw[i].where} prompt` })));
  return items;
}

/** One JSONL line, in Reelgraph's flat form or the upstream Batch API form. */
function parseLine(text: string, line: number): RawItem {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw badInput('input.itemsUploadId', `line ${line} is not valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput('input.itemsUploadId', `line ${line} is not a JSON object.`);
  if (value.body !== undefined) {
    if (value.method !== undefined && value.method !== 'POST') throw badInput('input.itemsUploadId', `line ${line}: method must be POST.`);
    if (value.url !== undefined && value.url !== '/v1/videos') throw badInput('input.itemsUploadId', `line ${line}: url must be /v1/videos (only video creation can be batched).`);
    const body = (value.body ?? {}) as Record<string, unknown>;
    return { customId: value.custom_id, prompt: body.prompt, model: body.model, size: body.size, seconds: body.seconds };
  }
  return { customId: value.customId ?? value.custom_id, prompt: value.prompt, model: value.model, size: value.size, seconds: value.seconds };
}

/** Upstream metadata limits: 16 pairs, keys ≤ 64 characters, values ≤ 512. */
export function checkMetadata(metadata: Record<string, unknown> | undefined): Record<string, string> | null {
  if (!metadata) return null;
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw badInput('input.metadata', `metadata holds at most 16 pairs (got ${entries.length}).`);
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 64) throw badInput('input.metadata', `metadata key '${key.slice(0, 80)}' must be 1 to 64 characters.`);
    if (typeof value !== 'string' || value.length > 512) throw badInput('input.metadata', `metadata value of '${key}' must be a string of at most 512 characters.`);
    if (controlCharacterIn(key) || controlCharacterIn(value)) throw badInput('input.metadata', `metadata '${key.slice(0, 80)}' contains a control character; remove it.`);
  }
  return metadata as Record<string, string>;
}
