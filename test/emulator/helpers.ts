/**
 * Shared helpers for the emulator suites: a started emulator + real openai client, bounded
 * polling, media fixtures made with the real ffmpeg, and a webhook receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { APIError } from 'openai';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';
import { runFfmpeg } from '../../src/media/ffmpeg';

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Fast timings for tests: the render itself dominates. */
export const FAST_TIMING = { queuedMs: 20, minRenderMs: 100, pollAfterMs: 50 };

export interface Harness {
  em: Emulator;
  client: OpenAI;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts an emulator on an ephemeral port with a temp data dir, plus a client pointed at it. */
export async function startHarness(options: Partial<EmulatorOptions> = {}, apiKey = 'sk-test'): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-emu-'));
  const em = await startEmulator({ port: 0, dataDir, timing: FAST_TIMING, logger: silentLogger, ...options });
  const client = new OpenAI({ apiKey, baseURL: em.baseURL, maxRetries: 0 });
  return {
    em,
    client,
    dataDir,
    async close() {
      await em.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a non-undefined value, failing after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Retrieves a video until it is completed or failed. */
export async function waitForVideo(client: OpenAI, id: string, timeoutMs = 30_000): Promise<OpenAI.Videos.Video> {
  return waitFor(async () => {
    const v = await client.videos.retrieve(id);
    return v.status === 'completed' || v.status === 'failed' ? v : undefined;
  }, timeoutMs);
}

/** Renders a still image (png/jpg/webp by extension) of the given size and returns its bytes. */
export async function makeImage(dir: string, name: string, width: number, height: number): Promise<Buffer> {
  const out = path.join(dir, name);
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', `color=c=orange:s=${width}x${height}`, '-frames:v', '1', out]);
  return readFile(out);
}

/** Renders a short MP4 clip (for character uploads). */
export async function makeClip(dir: string, name: string, seconds = 2): Promise<Buffer> {
  const out = path.join(dir, name);
  await runFfmpeg([
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=320x240:r=24:d=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return readFile(out);
}

/** One captured webhook request. */
export interface Captured {
  body: string;
  headers: Record<string, string>;
  status: number;
}

/**
 * A webhook receiver. `statuses` answers the first requests with those codes (then 200), so
 * retries can be exercised.
 */
export async function startReceiver(statuses: number[] = []): Promise<{
  url: string;
  received: Captured[];
  setStatuses(s: number[]): void;
  close(): Promise<void>;
}> {
  const received: Captured[] = [];
  let queue = [...statuses];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queue.length ? queue.shift()! : 200;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers, status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/openai`,
    received,
    setStatuses(s) {
      queue = [...s];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Raw HTTP helper for checks the SDK hides (status, headers, raw bodies). */
export async function raw(
  url: string,
  init: RequestInit & { key?: string | null } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? 'sk-test'}`);
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Awaits a request that must fail with an API error, and returns that error. */
export async function failure(p: Promise<unknown>): Promise<APIError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof APIError) return e;
    throw e;
  }
  throw new Error('expected the request to fail, but it succeeded');
}
