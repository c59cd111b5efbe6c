import { open } from 'node:fs/promises';
import { probe } from '../../media/ffmpeg';
import { imageInfo } from '../../media/image-info';
import { UploadKind } from './upload.entity';

/** What the bytes of a file are. */
export interface DetectedContent {
  kind: UploadKind;
  contentType: string;
  width: number;
  height: number;
  durationSeconds: number | null;
}

/**
 * JSON Lines: valid UTF-8 whose first non-empty line is a JSON object. Every line is checked when
 * the file is used (a batch validates each item before anything is submitted).
 */
function looksLikeJsonLines(head: Buffer): boolean {
  const text = head.toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\u0000')) return false;
  const first = text.split('\n').find((line) => line.trim().length > 0);
  if (!first || !first.trimStart().startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(first);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Container names ffprobe reports for MP4/QuickTime files. */
const MP4_FORMATS = /(^|,)(mov|mp4)(,|$)/;

/**
 * Decides what a file is from its content: images by their header (PNG, JPEG, WebP, with
 * dimensions), videos by ffprobe (an MP4 container with a video stream). A text file renamed to
 * `.mp4` or `.png` is neither, whatever its name says. Returns undefined for anything else.
 */
export async function detectContent(file: string): Promise<DetectedContent | undefined> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const image = imageInfo(head);
  if (image && image.width > 0 && image.height > 0) {
    return { kind: UploadKind.IMAGE, contentType: image.type, width: image.width, height: image.height, durationSeconds: null };
  }
  if (looksLikeJsonLines(head)) return { kind: UploadKind.JSONL, contentType: 'application/jsonl', width: 0, height: 0, durationSeconds: null };
  // ffprobe only runs on files whose first bytes look like an ISO media container ("ftyp" box).
  if (head.length < 12 || head.subarray(4, 8).toString('latin1') !== 'ftyp') return undefined;
  try {
    const info = await probe(file);
    const video = info.streams.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0);
    if (!video || !MP4_FORMATS.test(info.format.format_name ?? '') || !(info.format.duration > 0)) return undefined;
    return { kind: UploadKind.VIDEO, contentType: 'video/mp4', width: video.width ?? 0, height: video.height ?? 0, durationSeconds: Math.round(info.format.duration * 1000) / 1000 };
  } catch {
    return undefined;
  }
}
