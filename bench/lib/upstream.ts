import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { type Emulator, type EmulatorTiming, generateWebhookSecret, signWebhook, startEmulator } from '../../src/emulator';
import { nowUs, sleep } from './stats';

/** An emulator in the bench process acting as the remote upstream of a Reelgraph child. */
export interface BenchUpstream {
  emulator: Emulator;
  sdk: OpenAI;
  /** The secret Reelgraph verifies webhooks with (`OPENAI_WEBHOOK_SECRET`); the bench signs with it. */
  webhookSecret: string;
  /** Environment that points Reelgraph at this emulator, with webhooks verified. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts an emulator with cached renders and the given timing. It sends no webhooks itself: the
 * bench posts them, so it knows to the microsecond when each one left.
 */
export async function startUpstream(timing: Partial<EmulatorTiming>): Promise<BenchUpstream> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-bench-emu-'));
  const emulator = await startEmulator({ port: 0, dataDir, cachedRender: true, timing, logger: { info() {}, warn() {}, error() {} } });
  const webhookSecret = generateWebhookSecret();
  const apiKey = 'sk-bench';
  return {
    emulator,
    sdk: new OpenAI({ apiKey, baseURL: emulator.baseURL, maxRetries: 0 }),
    webhookSecret,
    env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: emulator.baseURL, OPENAI_WEBHOOK_SECRET: webhookSecret },
    close: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The emulator's id of the job whose prompt is `prompt` (prompts are unique per bench run). */
export function upstreamIdByPrompt(upstream: BenchUpstream, prompt: string): string {
  const entry = upstream.emulator.record.entries().find((e) => e.prompt === prompt);
  if (!entry) throw new Error(`the emulator has no job with prompt '${prompt}'`);
  return entry.id;
}

/** Waits until the emulator reports each job `completed` (asked through the SDK, as a client would). */
export async function waitUpstreamCompleted(upstream: BenchUpstream, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = new Set(ids);
  while (left.size > 0) {
    for (const id of [...left]) {
      const video = await upstream.sdk.videos.retrieve(id);
      if (video.status === 'completed') left.delete(id);
      else if (video.status === 'failed') throw new Error(`upstream job ${id} failed`);
    }
    if (left.size === 0) return;
    if (Date.now() > deadline) throw new Error(`${left.size} upstream jobs not completed within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * POSTs a `video.completed` event for `upstreamId` to Reelgraph's webhook endpoint, signed the
 * Standard Webhooks way. Returns the monotonic time (µs) just before the request left, and the status.
 */
export async function postWebhook(origin: string, secret: string, upstreamId: string): Promise<{ sentUs: number; status: number; ms: number }> {
  const body = JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, '')}`, object: 'event', created_at: Math.floor(Date.now() / 1000), type: 'video.completed', data: { id: upstreamId } });
  const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signWebhook(secret, webhookId, timestamp, body),
  };
  const sentUs = nowUs();
  const response = await fetch(`${origin}/webhooks/openai`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return { sentUs, status: response.status, ms: (nowUs() - sentUs) / 1000 };
}

/** Sends one GraphQL request over HTTP; throws on transport or GraphQL errors. */
export async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  let body: { data?: T; errors?: unknown[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON answer (${response.status}): ${text.slice(0, 300)}`);
  }
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors (${response.status}): ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}
