/**
 * Lines of a video batch's JSONL input (structural checks), and the persisted form of a batch.
 */
import type { BatchObject } from './batches';
import { requestId as newRequestId } from './ids';

export interface Line {
  /** 1-based line number in the input file. */
  line: number;
  customId: string | null;
  body: Record<string, unknown> | null;
  /** Structural problem found while validating the file. */
  problem: { code: string; message: string } | null;
  state: 'pending' | 'running' | 'done';
  requestId: string;
  /** The video created for the line, once it was submitted. */
  videoId?: string;
}

/** A batch as persisted under `state/batches` (timers and in-flight counts are rebuilt on restore). */
export interface StoredBatch {
  seq: number;
  obj: BatchObject;
  lines: Line[];
  output: string[];
  errors: string[];
  cancelRequested: boolean;
}

export function safeJson(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Structural checks of one input line (the request body itself is validated on submit). */
export function parseLine(raw: string, n: number, seen: Set<string>): Line {
  const line: Line = { line: n, customId: null, body: null, problem: null, state: 'pending', requestId: newRequestId() };
  const problem = (code: string, message: string): Line => ({ ...line, problem: { code, message }, state: 'done' });
  const v = safeJson(raw);
  if (!v) return problem('invalid_json_line', `Line ${n} is not a valid JSON object.`);
  if (typeof v.custom_id === 'string' && v.custom_id) line.customId = v.custom_id;
  else return problem('missing_custom_id', `Line ${n} has no 'custom_id' string.`);
  if (seen.has(line.customId)) return problem('duplicate_custom_id', `Line ${n} repeats custom_id '${line.customId}'; custom_id must be unique.`);
  seen.add(line.customId);
  if (v.method !== 'POST') return problem('invalid_method', `Line ${n} has method '${String(v.method)}'; only 'POST' is supported.`);
  if (v.url !== '/v1/videos') return problem('invalid_url', `Line ${n} has url '${String(v.url)}'; this batch's endpoint is '/v1/videos'.`);
  if (typeof v.body !== 'object' || v.body === null || Array.isArray(v.body)) {
    return problem('invalid_body', `Line ${n} needs a JSON object 'body' (video batch requests are JSON only).`);
  }
  line.body = v.body as Record<string, unknown>;
  return line;
}
