/**
 * ffmpeg / ffprobe access shared by all of Reelgraph.
 *
 * The binaries come from npm (`@ffmpeg-installer/ffmpeg`, `@ffprobe-installer/ffprobe`), so
 * nothing has to be installed on the host. The font comes from `dejavu-fonts-ttf`, so `drawtext`
 * never depends on fontconfig.
 */
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';

/**
 * The ffprobe tarball ships with mode 0644 and only its postinstall script makes it executable;
 * npm may skip that script (stack.md G10), so both binaries are made executable on first import.
 * A failure here (read-only install) is left to surface as EACCES when the binary is run.
 */
function ensureExecutable(file: string): string {
  try {
    accessSync(file, fsConstants.X_OK);
  } catch {
    try {
      chmodSync(file, 0o755);
    } catch {
      // Surfaces later as a clear spawn error naming the binary.
    }
  }
  return file;
}

/** Absolute path of the ffmpeg binary shipped by `@ffmpeg-installer/ffmpeg` (4.1 static build). */
export const ffmpegPath: string = ensureExecutable(ffmpegInstaller.path);

/** Absolute path of the ffprobe binary shipped by `@ffprobe-installer/ffprobe`. */
export const ffprobePath: string = ensureExecutable(ffprobeInstaller.path);

/** Absolute path of DejaVuSans.ttf, for `drawtext=fontfile=…`. */
export const fontPath: string = path.join(
  path.dirname(require.resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
  'DejaVuSans.ttf',
);

/** Raised when ffmpeg/ffprobe exits non-zero; `stderr` holds the tail of its output. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    /** Exit code, or null when the process was killed by a signal. */
    readonly exitCode: number | null,
    /** Last few KiB of stderr, for diagnostics. */
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

/** Options for {@link runFfmpeg} and {@link probe}. */
export interface RunOptions {
  /** Aborting kills the child process (SIGKILL) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Working directory; lets filter arguments use short relative file names. */
  cwd?: string;
  /** Kill the process after this many milliseconds (default: no limit). */
  timeoutMs?: number;
}

const STDERR_TAIL = 8 * 1024;

function run(bin: string, args: readonly string[], opts: RunOptions, captureStdout: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(opts.signal.reason ?? new Error('aborted'));
      return;
    }
    const child = spawn(bin, args, { cwd: opts.cwd, stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => {
      // Keep only the tail: ffmpeg can be chatty and we only need the final error lines.
      err = (err + c.toString('utf8')).slice(-STDERR_TAIL);
    });
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('close', (code, sig) => {
      cleanup();
      if (opts.signal?.aborted) {
        reject(opts.signal.reason ?? new Error('aborted'));
      } else if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
      } else {
        const last = err.trim().split('\n').slice(-3).join(' | ');
        reject(new FfmpegError(`${path.basename(bin)} failed (${code ?? sig}): ${last}`, code, err));
      }
    });
    function cleanup() {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  });
}

/**
 * Runs ffmpeg with `args` (prefixed with `-hide_banner -nostdin -loglevel error`).
 * Resolves when it exits 0; rejects with {@link FfmpegError} otherwise.
 */
export async function runFfmpeg(args: readonly string[], opts: RunOptions = {}): Promise<void> {
  await run(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], opts, false);
}

/** One stream as reported by ffprobe (the fields Reelgraph uses). */
export interface ProbeStream {
  index: number;
  codec_name: string;
  codec_type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | string;
  width?: number;
  height?: number;
  /** Seconds, when the container states it. */
  duration?: number;
}

/** What {@link probe} returns. */
export interface ProbeResult {
  format: {
    /** ffprobe's comma-separated demuxer names, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
    format_name: string;
    /** Seconds; 0 when the container states none (still images, raw streams). */
    duration: number;
    size: number | null;
  };
  streams: ProbeStream[];
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; size?: string };
  streams?: Array<{ index?: number; codec_name?: string; codec_type?: string; width?: number; height?: number; duration?: string }>;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === 'N/A') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Inspects a media file with ffprobe. Rejects with {@link FfmpegError} when ffprobe cannot read
 * it (which is how callers detect "not a media file").
 */
export async function probe(file: string, opts: RunOptions = {}): Promise<ProbeResult> {
  const json = await run(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    opts,
    true,
  );
  const raw = JSON.parse(json) as RawProbe;
  return {
    format: {
      format_name: raw.format?.format_name ?? '',
      duration: num(raw.format?.duration) ?? 0,
      size: num(raw.format?.size),
    },
    streams: (raw.streams ?? []).map((s, i) => {
      const stream: ProbeStream = {
        index: s.index ?? i,
        codec_name: s.codec_name ?? '',
        codec_type: s.codec_type ?? '',
      };
      if (typeof s.width === 'number') stream.width = s.width;
      if (typeof s.height === 'number') stream.height = s.height;
      const d = num(s.duration);
      if (d !== null) stream.duration = d;
      return stream;
    }),
  };
}

/**
 * Escapes a value for use as a filter option inside an ffmpeg filtergraph
 * (`drawtext=fontfile=<value>`): first the option level (`\ ' :`), then the graph level
 * (`\ ' [ ] , ;`).
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}
