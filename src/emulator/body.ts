/**
 * Request body reading: JSON or multipart, chosen by Content-Type, both size-limited, with the
 * OpenAI envelopes for malformed JSON, oversized bodies and unsupported content types.
 */
import { rm } from 'node:fs/promises';
import type { Request } from 'express';
import { ApiError, malformedJson, tooLarge } from './errors';
import { UploadedFile, parseMultipart } from './multipart';

/** A parsed request body. Files are temp files until the handler moves them; see {@link cleanup}. */
export interface ParsedBody {
  kind: 'json' | 'multipart' | 'none';
  body: Record<string, unknown>;
  files: UploadedFile[];
}

/** Removes temp files the handler did not adopt. Safe to call more than once. */
export async function cleanup(parsed: ParsedBody | null): Promise<void> {
  if (!parsed) return;
  await Promise.all(parsed.files.map((f) => rm(f.path, { force: true })));
}

function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}

/** Reads a JSON body of at most `maxBytes`; drains the rest of an oversized body before failing. */
function readJson(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) over = true;
      else chunks.push(c);
    });
    req.on('error', (e) => reject(new ApiError(400, `Could not read request body: ${e.message}`, 'invalid_request_error')));
    req.on('end', () => {
      if (over) return reject(tooLarge(maxBytes));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return reject(malformedJson());
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return reject(new ApiError(400, 'The request body must be a JSON object.', 'invalid_request_error', null, 'invalid_type'));
      }
      resolve(parsed as Record<string, unknown>);
    });
  });
}

/**
 * Reads the body as one of the `accept`ed kinds. A request without a body yields `kind: 'none'`
 * and an empty object, so "missing parameter" errors name the first required field.
 */
export async function readBody(
  req: Request,
  opts: { accept: ReadonlyArray<'json' | 'multipart'>; tmpDir: string; maxBytes: number },
): Promise<ParsedBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? '0');
  const isJson = type === 'application/json' || type.endsWith('+json');
  const isMultipart = type === 'multipart/form-data';
  if (!hasBody(req) && !isMultipart) return { kind: 'none', body: {}, files: [] };
  if (isJson && opts.accept.includes('json')) {
    if (declared > opts.maxBytes) {
      req.resume();
      throw tooLarge(opts.maxBytes);
    }
    return { kind: 'json', body: await readJson(req, opts.maxBytes), files: [] };
  }
  if (isMultipart && opts.accept.includes('multipart')) {
    const { body, files } = await parseMultipart(req, { tmpDir: opts.tmpDir, maxBytes: opts.maxBytes });
    return { kind: 'multipart', body, files };
  }
  req.resume();
  const expected = opts.accept.map((k) => (k === 'json' ? 'application/json' : 'multipart/form-data')).join(' or ');
  throw new ApiError(
    400,
    `Invalid Content-Type header (${type || 'none'}), expected ${expected}.`,
    'invalid_request_error',
    null,
    'unsupported_content_type',
  );
}

/** Narrows a parsed body value to an uploaded file. */
export function isUpload(v: unknown): v is UploadedFile {
  return v instanceof UploadedFile;
}
