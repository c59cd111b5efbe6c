/**
 * multipart/form-data parsing with busboy: files stream to a temp directory, bracket keys become
 * nested values the way the openai SDK encodes them (`video[id]`, `characters[][id]`,
 * `input_reference[image_url]`).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import busboy from 'busboy';
import { ApiError, tooLarge } from './errors';

/** One uploaded file part, already written to disk. */
export class UploadedFile {
  constructor(
    /** Form field name as sent (e.g. `input_reference`). */
    readonly field: string,
    readonly filename: string,
    /** The part's declared Content-Type (advisory only; content is sniffed where it matters). */
    readonly mimeType: string,
    /** Absolute temp path; moved or deleted by the caller. */
    readonly path: string,
    readonly size: number,
  ) {}
}

/** Largest plain field (a data-URL `image_url` may be 20,971,520 chars, contract §2.1). */
const MAX_FIELD_BYTES = 21 * 1024 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Splits `a[b][]` into `['a', 'b', '']`; a malformed key stays one literal segment. */
export function parseKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return [key];
  const segs = [m[1]];
  for (const part of m[2].matchAll(/\[([^[\]]*)\]/g)) segs.push(part[1]);
  return segs;
}

type Container = Record<string, unknown> | unknown[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof UploadedFile);
}

function conflict(key: string): ApiError {
  return new ApiError(400, `Invalid multipart field '${key}': it conflicts with another field of the same name.`, 'invalid_request_error', key, 'invalid_value');
}

/**
 * Assigns `value` at the bracket path of `key` inside `root`. `[]` appends; `[][prop]` adds `prop`
 * to the last element unless that element already has it (then a new element starts), which is
 * how `characters[][id]=a&characters[][id]=b` becomes two objects.
 */
export function assignKey(root: Record<string, unknown>, key: string, value: unknown): void {
  const segs = parseKey(key);
  if (segs.some((s) => FORBIDDEN_KEYS.has(s))) throw new ApiError(400, `Unknown parameter: '${key}'.`, 'invalid_request_error', key, 'unknown_parameter');
  let cur: Container = root;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i];
    const last = i === segs.length - 1;
    const next = segs[i + 1];
    const makeChild = (): Container => (next === '' || /^\d+$/.test(next ?? '') ? [] : {});
    if (Array.isArray(cur)) {
      if (seg !== '' && !/^\d+$/.test(seg)) throw conflict(key);
      if (last) {
        if (seg === '') cur.push(value);
        else cur[Number(seg)] = value;
        return;
      }
      let idx = seg === '' ? cur.length - 1 : Number(seg);
      const el = cur[idx];
      const startNew =
        seg === '' && (el === undefined || (i + 2 === segs.length && isPlainObject(el) && next in el) || !(isPlainObject(el) || Array.isArray(el)));
      if (startNew) {
        cur.push(makeChild());
        idx = cur.length - 1;
      } else if (el === undefined) {
        cur[idx] = makeChild();
      }
      const child: unknown = cur[idx];
      if (!isPlainObject(child) && !Array.isArray(child)) throw conflict(key);
      cur = child;
      continue;
    }
    if (last) {
      if (seg in cur && cur[seg] !== undefined) {
        // Repeated plain fields: the last one wins, as with most form parsers.
        if (isPlainObject(cur[seg]) || Array.isArray(cur[seg])) throw conflict(key);
      }
      cur[seg] = value;
      return;
    }
    const existing = cur[seg];
    if (existing === undefined) cur[seg] = makeChild();
    else if (!isPlainObject(existing) && !Array.isArray(existing)) throw conflict(key);
    cur = cur[seg] as Container;
  }
}

/** Result of {@link parseMultipart}. */
export interface MultipartResult {
  body: Record<string, unknown>;
  files: UploadedFile[];
}

/**
 * Parses a multipart request. Files go to `tmpDir`; on any error every temp file is removed
 * before the promise rejects. A file or field beyond `maxBytes` → 413.
 */
export function parseMultipart(req: IncomingMessage, opts: { tmpDir: string; maxBytes: number }): Promise<MultipartResult> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: opts.maxBytes, fieldSize: Math.min(MAX_FIELD_BYTES, opts.maxBytes), files: 10, fields: 1000, parts: 1010 },
      });
    } catch (e) {
      reject(new ApiError(400, `Invalid multipart/form-data request: ${(e as Error).message}.`, 'invalid_request_error', null, 'invalid_multipart'));
      return;
    }
    const body: Record<string, unknown> = {};
    const files: UploadedFile[] = [];
    const tempPaths: string[] = [];
    const writes: Promise<void>[] = [];
    let failure: ApiError | null = null;
    let settled = false;
    const fail = (e: ApiError) => {
      failure ??= e;
    };

    const finish = async () => {
      if (settled) return;
      settled = true;
      await Promise.allSettled(writes);
      if (failure) {
        await Promise.all(tempPaths.map((p) => rm(p, { force: true })));
        reject(failure);
      } else {
        resolve({ body, files });
      }
    };

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) return fail(tooLarge(opts.maxBytes, name));
      if (failure) return;
      try {
        assignKey(body, name, value);
      } catch (e) {
        fail(e as ApiError);
      }
    });
    bb.on('file', (name, stream, info) => {
      if (failure) {
        stream.resume();
        return;
      }
      const tmp = path.join(opts.tmpDir, `upload-${randomBytes(8).toString('hex')}`);
      tempPaths.push(tmp);
      const out = createWriteStream(tmp);
      let size = 0;
      let truncated = false;
      stream.on('data', (c: Buffer) => (size += c.length));
      stream.on('limit', () => {
        truncated = true;
        fail(tooLarge(opts.maxBytes, name));
        // Keep reading (and discarding) so the client can finish sending and read our 413.
        stream.unpipe(out);
        out.end();
        stream.resume();
      });
      writes.push(
        new Promise<void>((res) => {
          out.on('close', res);
          out.on('error', (e) => {
            fail(new ApiError(500, `Could not store upload: ${e.message}`, 'server_error'));
            stream.resume();
            res();
          });
        }).then(() => {
          if (truncated || failure) return;
          const file = new UploadedFile(name, info.filename ?? '', info.mimeType, tmp, size);
          files.push(file);
          try {
            assignKey(body, name, file);
          } catch (e) {
            fail(e as ApiError);
          }
        }),
      );
      stream.pipe(out);
    });
    const limitHit = (what: string) => fail(new ApiError(400, `Too many ${what} in multipart request.`, 'invalid_request_error', null, 'invalid_multipart'));
    bb.on('filesLimit', () => limitHit('files'));
    bb.on('fieldsLimit', () => limitHit('fields'));
    bb.on('partsLimit', () => limitHit('parts'));
    bb.on('error', (e: Error) => {
      fail(new ApiError(400, `Invalid multipart/form-data request: ${e.message}.`, 'invalid_request_error', null, 'invalid_multipart'));
      req.unpipe(bb);
      req.resume();
      void finish();
    });
    bb.on('close', () => void finish());
    req.pipe(bb);
  });
}
