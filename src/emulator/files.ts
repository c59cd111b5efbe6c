/**
 * Files API state: uploads (`POST /files`) and the batch output/error files the emulator writes.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { invalidType, notFound, invalidValue, missingParameter, integerRange } from './errors';
import { fileId } from './ids';
import { UploadedFile } from './multipart';
import { type FileState, type Store, nowSeconds } from './store';
import { rejectUnknownKeys } from './validation';

/** Purposes accepted on upload (contract §5). */
export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** File object as the API returns it. */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  expires_at: number | null;
  status_details: null;
}

/** Serializes a stored file. */
export function toFileObject(f: FileState): FileObject {
  return {
    id: f.id,
    object: 'file',
    bytes: f.bytes,
    created_at: f.createdAt,
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
    expires_at: f.expiresAt,
    status_details: null,
  };
}

/** Validates a multipart upload body and stores the file (moving the temp file into place). */
export function createFile(store: Store, body: Record<string, unknown>): FileState {
  rejectUnknownKeys(body, ['file', 'purpose', 'expires_after']);
  const file = body.file;
  if (file === undefined) throw missingParameter('file');
  if (!(file instanceof UploadedFile)) throw invalidType('file', 'a file', file);
  const purpose = body.purpose;
  if (purpose === undefined) throw missingParameter('purpose');
  if (typeof purpose !== 'string') throw invalidType('purpose', 'a string', purpose);
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) throw invalidValue('purpose', purpose, FILE_PURPOSES);
  const now = nowSeconds();
  let expiresAt: number | null = null;
  if (body.expires_after !== undefined) {
    const ea = body.expires_after;
    if (typeof ea !== 'object' || ea === null || Array.isArray(ea)) throw invalidType('expires_after', 'an object', ea);
    const o = ea as Record<string, unknown>;
    rejectUnknownKeys(o, ['anchor', 'seconds'], 'expires_after.');
    if (o.anchor !== 'created_at') throw invalidValue('expires_after.anchor', String(o.anchor), ['created_at']);
    const secs = Number(o.seconds);
    if (!Number.isInteger(secs)) throw invalidType('expires_after.seconds', 'an integer', o.seconds);
    if (secs < 3600 || secs > 2592000) throw integerRange('expires_after.seconds', secs, 3600, 2592000);
    expiresAt = now + secs;
  }
  const state: FileState = {
    id: fileId(),
    bytes: file.size,
    createdAt: now,
    filename: file.filename || 'upload',
    purpose,
    expiresAt,
    contentType: purpose === 'batch' ? 'application/jsonl' : file.mimeType || 'application/octet-stream',
  };
  renameSync(file.path, store.filePath(state.id));
  store.addFile(state);
  return state;
}

/** Writes a JSONL file with purpose `batch_output` (batch output and error files). */
export function writeOutputFile(store: Store, filename: string, lines: string[]): FileState {
  const data = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  const state: FileState = {
    id: fileId(),
    bytes: data.length,
    createdAt: nowSeconds(),
    filename,
    purpose: 'batch_output',
    expiresAt: null,
    contentType: 'application/jsonl',
  };
  writeFileSync(store.filePath(state.id), data);
  store.addFile(state);
  return state;
}

/** The stored file or 404. */
export function getFile(store: Store, id: string, param: string | null = null): FileState {
  const f = store.files.get(id);
  if (!f) throw notFound('File', id, param);
  return f;
}
