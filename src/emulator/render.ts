/**
 * Real MP4 rendering for emulated jobs: H.264 (yuv420p) + AAC at the exact size and duration, the
 * prompt drawn on every frame, a WebP thumbnail and a JPEG spritesheet.
 *
 * Output files per job directory: `video.mp4`, `thumbnail.webp` (video size, frame at 1 s) and
 * `spritesheet.jpg` (8 frames evenly spread over the clip, each 256 px wide, tiled 4×2).
 */
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeFilterValue, fontPath, runFfmpeg } from '../media/ffmpeg';

/** MP4 file name inside a rendered job directory. */
export const VIDEO_FILE = 'video.mp4';
/** Thumbnail file name (WebP, video size, frame at 1 s). */
export const THUMBNAIL_FILE = 'thumbnail.webp';
/** Spritesheet file name (JPEG, 4×2 frames of 256 px width). */
export const SPRITESHEET_FILE = 'spritesheet.jpg';
/** Extensions stage the source clip under this name until the stitch is written. */
export const EXTENSION_SOURCE_FILE = 'source.mp4';

/** Spritesheet geometry (documented in docs/emulator.md). */
export const SPRITE = { columns: 4, rows: 2, frameWidth: 256 } as const;
const FPS = 24;

/** What to draw for one clip. */
export interface ClipSpec {
  width: number;
  height: number;
  seconds: number;
  /** Main text, usually the prompt. Wrapped and capped to fit the frame. */
  text: string;
  /** Small lines at the top-left: model, size, lineage, character names. */
  header: string[];
  /** Drives the background colour and tone pitch so different prompts look different. */
  seed: string;
  /** Optional image (exactly width×height) used as the background instead of a flat colour. */
  backgroundImage?: string;
}

/** Limits concurrent work to `max` holders; waiting is abortable. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly max: number) {}

  /** Runs `fn` once a slot is free. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.waiters.shift()?.();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }
}

/**
 * Normalizes and wraps text for drawtext: control characters removed, words wrapped at
 * `maxChars`, over-long words split, at most `maxLines` lines with an ellipsis when cut.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string {
  // Only the start of a long prompt can be shown anyway; bounding the input bounds the work.
  const clean = text
    .slice(0, 4000)
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  const lines: string[] = [];
  for (const paragraph of clean.split('\n')) {
    let line = '';
    for (let word of paragraph.split(' ').filter(Boolean)) {
      while (word.length > maxChars) {
        if (line) lines.push(line);
        lines.push(word.slice(0, maxChars));
        word = word.slice(maxChars);
        line = '';
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= maxChars) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, Math.max(0, maxChars - 1))}…`;
    return kept.join('\n');
  }
  return lines.join('\n') || ' ';
}

function hashBytes(seed: string): Buffer {
  return createHash('sha256').update(seed).digest();
}

/** Dark background colour and a tone between 220 and 660 Hz, both derived from the seed. */
function look(seed: string): { color: string; tone: number } {
  const h = hashBytes(seed);
  const ch = (b: number) => (0x18 + (b % 0x48)).toString(16).padStart(2, '0');
  return { color: `0x${ch(h[0])}${ch(h[1])}${ch(h[2])}`, tone: 220 + (h.readUInt16BE(3) % 441) };
}

/** Writes the text files and returns the drawtext filter chain (file names relative to `dir`). */
async function textFilters(dir: string, spec: ClipSpec): Promise<string> {
  const fontSize = Math.round(Math.min(spec.width, spec.height) / 18);
  const maxChars = Math.max(8, Math.floor((spec.width * 0.86) / (fontSize * 0.6)));
  const maxLines = Math.max(2, Math.min(14, Math.floor((spec.height * 0.6) / (fontSize * 1.3))));
  await writeFile(path.join(dir, 'prompt.txt'), wrapText(spec.text, maxChars, maxLines));
  const headerSize = Math.round(fontSize * 0.6);
  const headerChars = Math.floor((spec.width * 0.9) / (headerSize * 0.6));
  await writeFile(path.join(dir, 'header.txt'), wrapText(spec.header.join('\n'), headerChars, 6));
  const font = escapeFilterValue(fontPath);
  // expansion=none: a prompt containing %{…} must be drawn literally, not evaluated.
  return [
    `drawtext=fontfile=${font}:textfile=prompt.txt:expansion=none:fontcolor=white:fontsize=${fontSize}` +
      `:line_spacing=${Math.round(fontSize * 0.3)}:box=1:boxcolor=black@0.35:boxborderw=${Math.round(fontSize / 2)}` +
      ':x=(w-text_w)/2:y=(h-text_h)/2',
    `drawtext=fontfile=${font}:textfile=header.txt:expansion=none:fontcolor=white@0.85:fontsize=${headerSize}` +
      `:line_spacing=${Math.round(headerSize * 0.4)}:box=1:boxcolor=black@0.35:boxborderw=${Math.round(headerSize / 3)}` +
      `:x=${headerSize}:y=${headerSize}`,
  ].join(',');
}

function inputArgs(spec: ClipSpec): string[] {
  const { color, tone } = look(spec.seed);
  const s = spec.seconds;
  const video = spec.backgroundImage
    ? ['-loop', '1', '-framerate', String(FPS), '-t', String(s), '-i', spec.backgroundImage]
    : ['-f', 'lavfi', '-i', `color=c=${color}:s=${spec.width}x${spec.height}:r=${FPS}:d=${s}`];
  return [...video, '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000:duration=${s}`];
}

const ENCODE_VIDEO = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-r', String(FPS), '-g', String(FPS)];
const ENCODE_AUDIO = ['-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2'];

/** Renders `video.mp4`, `thumbnail.webp` and `spritesheet.jpg` into `dir` with one ffmpeg run. */
async function renderFull(dir: string, spec: ClipSpec, signal?: AbortSignal): Promise<void> {
  const text = await textFilters(dir, spec);
  const s = spec.seconds;
  const graph =
    `[0:v]scale=${spec.width}:${spec.height},setsar=1,${text},split=3[v][t][s];` +
    `[t]trim=start_frame=${FPS},setpts=PTS-STARTPTS[tout];` +
    `[s]fps=${SPRITE.columns * SPRITE.rows}/${s},scale=${SPRITE.frameWidth}:-2,tile=${SPRITE.columns}x${SPRITE.rows}[sout]`;
  await runFfmpeg(
    [
      '-y',
      ...inputArgs(spec),
      '-filter_complex',
      graph,
      ...['-map', '[v]', '-map', '1:a', ...ENCODE_VIDEO, ...ENCODE_AUDIO, '-t', String(s), '-movflags', '+faststart', VIDEO_FILE],
      ...['-map', '[tout]', '-frames:v', '1', '-c:v', 'libwebp', '-quality', '80', THUMBNAIL_FILE],
      ...['-map', '[sout]', '-frames:v', '1', '-q:v', '4', SPRITESHEET_FILE],
    ],
    { cwd: dir, signal, timeoutMs: renderTimeoutMs(s) },
  );
  await Promise.all([rm(path.join(dir, 'prompt.txt'), { force: true }), rm(path.join(dir, 'header.txt'), { force: true })]);
}

/** Renders only an MP4 segment named `out` into `dir`. */
async function renderSegment(dir: string, out: string, spec: ClipSpec, signal?: AbortSignal): Promise<void> {
  const text = await textFilters(dir, spec);
  await runFfmpeg(
    [
      '-y',
      ...inputArgs(spec),
      '-filter_complex',
      `[0:v]scale=${spec.width}:${spec.height},setsar=1,${text}[v]`,
      ...['-map', '[v]', '-map', '1:a', ...ENCODE_VIDEO, ...ENCODE_AUDIO, '-t', String(spec.seconds), '-movflags', '+faststart', out],
    ],
    { cwd: dir, signal, timeoutMs: renderTimeoutMs(spec.seconds) },
  );
  await Promise.all([rm(path.join(dir, 'prompt.txt'), { force: true }), rm(path.join(dir, 'header.txt'), { force: true })]);
}

/** True when ffmpeg can decode one frame of `file`. */
async function decodable(file: string, signal: AbortSignal): Promise<boolean> {
  try {
    await runFfmpeg(['-i', file, '-frames:v', '1', '-f', 'null', '-'], { signal, timeoutMs: 10_000 });
    return true;
  } catch {
    if (signal.aborted) throw signal.reason;
    return false;
  }
}

/** Upper bound for one ffmpeg run, so a wedged process fails its job instead of hanging it. */
function renderTimeoutMs(seconds: number): number {
  return 60_000 + seconds * 5_000;
}

/** Hard-links `from` to `to`, copying when links are not possible (other filesystem, no support). */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

/** Renders clips, honouring the concurrency limit and the cached-render mode. */
export class Renderer {
  private readonly slots: Semaphore;
  private readonly cache = new Map<string, Promise<string>>();
  private readonly closing = new AbortController();

  constructor(
    private readonly opts: { cacheDir: string; cached: boolean; maxConcurrent: number },
  ) {
    this.slots = new Semaphore(opts.maxConcurrent);
  }

  /** Produces the three assets of a clip in `dir` (fresh, or linked from the cache). */
  async renderClip(dir: string, spec: ClipSpec, signal: AbortSignal): Promise<void> {
    if (this.opts.cached) {
      const cached = await this.cached(spec.width, spec.height, spec.seconds);
      for (const f of [VIDEO_FILE, THUMBNAIL_FILE, SPRITESHEET_FILE]) await linkOrCopy(path.join(cached, f), path.join(dir, f));
      return;
    }
    const sig = this.both(signal);
    await this.slots.run(async () => {
      let clip = spec;
      // A looped image that ffmpeg cannot decode makes it spin forever, and this 2018 build cannot
      // decode every valid image (e.g. WebP with alpha): such clips get the flat background.
      if (spec.backgroundImage && !(await decodable(spec.backgroundImage, sig))) clip = { ...spec, backgroundImage: undefined };
      await renderFull(dir, clip, sig);
    }, sig);
  }

  /**
   * Extension: `dir` already holds the source clip as `source.mp4` and its thumbnail. Renders the
   * new segment at the source size, stream-copies source + segment into `video.mp4` trimmed to
   * exactly `totalSeconds`, and rebuilds the spritesheet from the stitched whole. The thumbnail
   * (frame at 1 s) is the source's, which is also the stitched clip's frame at 1 s.
   */
  async renderExtension(dir: string, segment: ClipSpec, totalSeconds: number, signal: AbortSignal): Promise<void> {
    const sig = this.both(signal);
    const segmentFile = 'segment.mp4';
    if (this.opts.cached) {
      const cached = await this.cached(segment.width, segment.height, segment.seconds);
      await linkOrCopy(path.join(cached, VIDEO_FILE), path.join(dir, segmentFile));
    } else {
      await this.slots.run(() => renderSegment(dir, segmentFile, segment, sig), sig);
    }
    await this.slots.run(async () => {
      await writeFile(path.join(dir, 'concat.txt'), `file '${EXTENSION_SOURCE_FILE}'\nfile '${segmentFile}'\n`);
      // -t trims the few ms of AAC priming each stream-copied segment adds, keeping ±0.05 s.
      await runFfmpeg(
        ['-y', '-f', 'concat', '-safe', '0', '-i', 'concat.txt', '-c', 'copy', '-t', String(totalSeconds), '-movflags', '+faststart', VIDEO_FILE],
        { cwd: dir, signal: sig, timeoutMs: renderTimeoutMs(totalSeconds) },
      );
      const frames = SPRITE.columns * SPRITE.rows;
      // Keyframes are 1 s apart (-g 24), so decoding only keyframes is plenty for 8 thumbnails.
      await runFfmpeg(
        [
          '-y',
          '-skip_frame',
          'nokey',
          '-i',
          VIDEO_FILE,
          '-an',
          '-vf',
          `fps=${frames}/${totalSeconds},scale=${SPRITE.frameWidth}:-2,tile=${SPRITE.columns}x${SPRITE.rows}`,
          '-frames:v',
          '1',
          '-q:v',
          '4',
          SPRITESHEET_FILE,
        ],
        { cwd: dir, signal: sig, timeoutMs: renderTimeoutMs(totalSeconds) },
      );
    }, sig);
    await Promise.all(
      [EXTENSION_SOURCE_FILE, segmentFile, 'concat.txt'].map((f) => unlink(path.join(dir, f)).catch(() => undefined)),
    );
  }

  /** Aborts every render in flight or waiting for a slot. */
  close(): void {
    this.closing.abort(new Error('emulator closed'));
  }

  /** Cache directory holding a generic clip for (size, seconds), rendered once. */
  private cached(width: number, height: number, seconds: number): Promise<string> {
    const key = `${width}x${height}-${seconds}s`;
    let p = this.cache.get(key);
    if (!p) {
      const dir = path.join(this.opts.cacheDir, key);
      const spec: ClipSpec = {
        width,
        height,
        seconds,
        text: `Reelgraph emulator\ncached render\n${width}x${height} · ${seconds} s`,
        header: ['cachedRender: one clip per size and duration'],
        seed: key,
      };
      p = (async () => {
        await mkdir(dir, { recursive: true });
        await this.slots.run(() => renderFull(dir, spec, this.closing.signal), this.closing.signal);
        return dir;
      })();
      // A failed render must not poison the cache for later jobs.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  private both(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.closing.signal]);
  }
}
