/**
 * Validation of `POST /batches` bodies (contract §5): the input file, endpoint, completion window,
 * metadata limits and `output_expires_after`.
 */
import { ApiError, integerRange, invalidType, invalidValue, missingParameter, stringLength } from './errors';
import { getFile } from './files';
import type { Store } from './store';
import { rejectUnknownKeys } from './validation';

/** A validated batch create request. */
export interface BatchCreateRequest {
  inputFileId: string;
  metadata: Record<string, string> | null;
}

function parseMetadata(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidType('metadata', 'an object', v);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > 16) {
    throw new ApiError(
      400,
      `Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`,
      'invalid_request_error',
      'metadata',
      'object_above_max_properties',
    );
  }
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (k.length > 64) {
      throw new ApiError(
        400,
        `Invalid 'metadata': keys must be at most 64 characters, but got a key with length ${k.length}.`,
        'invalid_request_error',
        'metadata',
        'invalid_value',
      );
    }
    if (typeof val !== 'string') throw invalidType(`metadata.${k}`, 'a string', val);
    if (val.length > 512) throw stringLength(`metadata.${k}`, val, 0, 512);
    out[k] = val;
  }
  return out;
}

/** Validates a batch create body; the input file must exist and have purpose `batch`. */
export function validateBatchCreate(store: Store, body: Record<string, unknown>): BatchCreateRequest {
  rejectUnknownKeys(body, ['input_file_id', 'endpoint', 'completion_window', 'metadata', 'output_expires_after']);
  const { input_file_id: inputFileId, endpoint, completion_window: window } = body;
  if (inputFileId === undefined) throw missingParameter('input_file_id');
  if (typeof inputFileId !== 'string') throw invalidType('input_file_id', 'a string', inputFileId);
  if (endpoint === undefined) throw missingParameter('endpoint');
  if (endpoint !== '/v1/videos') throw invalidValue('endpoint', String(endpoint), ['/v1/videos']);
  if (window === undefined) throw missingParameter('completion_window');
  if (window !== '24h') throw invalidValue('completion_window', String(window), ['24h']);
  const metadata = parseMetadata(body.metadata);
  if (body.output_expires_after !== undefined) {
    const oea = body.output_expires_after;
    if (typeof oea !== 'object' || oea === null || Array.isArray(oea)) throw invalidType('output_expires_after', 'an object', oea);
    const o = oea as Record<string, unknown>;
    rejectUnknownKeys(o, ['anchor', 'seconds'], 'output_expires_after.');
    if (o.anchor !== 'created_at') throw invalidValue('output_expires_after.anchor', String(o.anchor), ['created_at']);
    if (typeof o.seconds !== 'number' || !Number.isInteger(o.seconds)) throw invalidType('output_expires_after.seconds', 'an integer', o.seconds);
    if (o.seconds < 3600 || o.seconds > 2592000) throw integerRange('output_expires_after.seconds', o.seconds, 3600, 2592000);
  }
  const file = getFile(store, inputFileId, 'input_file_id');
  if (file.purpose !== 'batch') {
    throw new ApiError(
      400,
      `Invalid 'input_file_id': file '${inputFileId}' has purpose '${file.purpose}'; batch input files must have purpose 'batch'.`,
      'invalid_request_error',
      'input_file_id',
      'invalid_value',
    );
  }
  return { inputFileId, metadata };
}
