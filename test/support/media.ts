import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fontPath, probe, runFfmpeg } from '../../src/media/ffmpeg';
import { ulid } from '../../src/ids';

/** A real H.264 MP4 made with the project's ffmpeg (a character's source clip, say). */
export async function makeClip(width: number, height: number, seconds: number, label = 'clip'): Promise<Buffer> {
  const file = path.join(os.tmpdir(), `reelgraph-${ulid()}.mp4`);
  const text = path.join(os.tmpdir(), `reelgraph-${ulid()}.txt`);
  writeFileSync(text, label);
  await runFfmpeg([
    '-y', '-f', 'lavfi', '-i', `color=c=darkgreen:s=${width}x${height}:r=24:d=${seconds}`,
    '-vf', `drawtext=fontfile=${fontPath}:textfile=${text}:fontcolor=white:fontsize=48:x=(w-text_w)/2:y=(h-text_h)/2`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file,
  ]);
  return readFileSync(file);
}

/** A real still image of the given size: `png`, `jpg` or `webp`. */
export async function makeImage(width: number, height: number, format: 'png' | 'jpg' | 'webp' = 'png'): Promise<Buffer> {
  const file = path.join(os.tmpdir(), `reelgraph-${ulid()}.${format}`);
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', `color=c=orange:s=${width}x${height}`, '-frames:v', '1', file]);
  return readFileSync(file);
}

/** Duration and size of an MP4 given as bytes, by ffprobe. */
export async function probeBytes(bytes: Buffer): Promise<{ duration: number; width: number; height: number }> {
  const file = path.join(os.tmpdir(), `reelgraph-${ulid()}.mp4`);
  writeFileSync(file, bytes);
  const info = await probe(file);
  const video = info.streams.find((s) => s.codec_type === 'video');
  return { duration: info.format.duration, width: video?.width ?? 0, height: video?.height ?? 0 };
}

/** Response of `POST /uploads`. */
export interface UploadResponse {
  status: number;
  body: { id: string; kind: string; contentType: string; width: number; height: number; bytes: number; durationSeconds: number | null; error?: { code: string; message: string } };
}

/** Uploads bytes under a file name (the name is only a claim; the server checks the content). */
export async function uploadFile(origin: string, bytes: Buffer, filename: string, headers: Record<string, string> = {}): Promise<UploadResponse> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(`${origin}/uploads`, { method: 'POST', body: form, headers });
  return { status: response.status, body: (await response.json()) as UploadResponse['body'] };
}
