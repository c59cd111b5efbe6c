/**
 * Lookups behind request validation: reference images (upload, file id, data URL or http(s) URL)
 * checked against the requested size, and character ids.
 */
import { readFile } from 'node:fs/promises';
import { type ImageInfo, imageInfo } from '../media/image-info';
import { ApiError, notFound, quotedList } from './errors';
import type { Store } from './store';
import type { ReferenceInput } from './validation';

/** A decoded reference image that matched the requested size. */
export interface ReferenceImage extends ImageInfo {
  buffer: Buffer;
  /** File extension for storing it. */
  ext: 'png' | 'jpg' | 'webp';
}

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
/** http(s) reference images: short timeout, bounded size, as a gateway would do. */
const FETCH_TIMEOUT_MS = 5000;
const FETCH_MAX_BYTES = 20 * 1024 * 1024;

function unsupportedImage(param: string): ApiError {
  return new ApiError(
    400,
    `Invalid image for '${param}'. Supported formats are: ${quotedList(IMAGE_TYPES)}.`,
    'invalid_request_error',
    param,
    'invalid_image_format',
  );
}

function badUrl(why: string): ApiError {
  return new ApiError(400, `Invalid 'input_reference.image_url': ${why}.`, 'invalid_request_error', 'input_reference.image_url', 'invalid_image_url');
}

async function fetchImage(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' });
  } catch (e) {
    throw badUrl(`the image could not be downloaded (${(e as Error).message})`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw badUrl(`the image could not be downloaded (HTTP ${res.status})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > FETCH_MAX_BYTES) throw badUrl(`the image is larger than ${FETCH_MAX_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function decodeDataUrl(url: string): Buffer {
  const m = /^data:([^,]*?),(.*)$/s.exec(url);
  if (!m) throw badUrl('expected an http(s) URL or a data URL');
  const isBase64 = /;base64$/i.test(m[1]);
  return isBase64 ? Buffer.from(m[2], 'base64') : Buffer.from(decodeURIComponent(m[2]), 'latin1');
}

/** Loads the bytes of a reference and checks they are a PNG, JPEG or WebP image. */
export async function loadReferenceImage(ref: ReferenceInput, store: Store): Promise<ReferenceImage> {
  let buffer: Buffer;
  let param = 'input_reference';
  if (ref.kind === 'upload') {
    buffer = await readFile(ref.file.path);
  } else if (ref.kind === 'file_id') {
    param = 'input_reference.file_id';
    const file = store.files.get(ref.fileId);
    if (!file) throw notFound('File', ref.fileId, param);
    buffer = await readFile(store.filePath(file.id));
  } else {
    param = 'input_reference.image_url';
    const url = ref.url;
    if (/^data:/i.test(url)) buffer = decodeDataUrl(url);
    else if (/^https?:\/\//i.test(url)) buffer = await fetchImage(url);
    else throw badUrl('expected an http(s) URL or a data URL');
  }
  const info = imageInfo(buffer);
  if (!info) throw unsupportedImage(param);
  const ext = info.type === 'image/png' ? 'png' : info.type === 'image/jpeg' ? 'jpg' : 'webp';
  return { ...info, buffer, ext };
}

/** The contract's size-mismatch error (param and code null, as observed upstream). */
export function checkReferenceSize(img: ImageInfo, width: number, height: number): void {
  if (img.width !== width || img.height !== height) {
    throw new ApiError(400, 'Inpaint image must match the requested width and height', 'invalid_request_error', null, null);
  }
}

/** Resolves character ids to names; unknown ids → 404 naming the parameter. */
export function resolveCharacters(store: Store, ids: string[]): Array<{ id: string; name: string }> {
  return ids.map((id, i) => {
    const c = store.characters.get(id);
    if (!c) throw notFound('Character', id, `characters[${i}].id`);
    return { id, name: c.name };
  });
}
