/**
 * Videos API emulator: a local server that speaks the OpenAI Videos API (Sora 2) wire contract
 * and renders real MP4s with ffmpeg. Start it in-process with {@link startEmulator}, or
 * standalone with `npm run emulator`. See docs/emulator.md; the wire contract it follows (cited as
 * "contract §n" in this folder) is docs/videos-api-contract.md.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { BatchRunner } from './batches';
import { ConfigError, resolveOptions, validateWebhook } from './config';
import type { EmulatorContext } from './context';
import { FaultState } from './faults';
import { IdempotencyKeys } from './idempotency';
import { JobRunner } from './jobs';
import { Renderer } from './render';
import { RecordLog, Store } from './store';
import type { Emulator, EmulatorOptions, WebhookTarget } from './types';
import { VideoService } from './videos';
import { WebhookDispatcher, generateWebhookSecret } from './webhooks';

/** Public types (documented in ./types). */
export type {
  Emulator,
  EmulatorLogger,
  EmulatorOptions,
  EmulatorRecord,
  EmulatorTiming,
  FaultController,
  Faults,
  FaultsInput,
  RecordEntry,
  RecordKind,
  WebhookTarget,
} from './types';
export { ConfigError, generateWebhookSecret };
export { signWebhook } from './webhooks';
export { FAIL_INTERNAL_TOKEN } from './guardrails';
export { MODERATION_FLAG_TOKEN } from './routes/moderations';

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** URL host for `host`: wildcard binds are reached through loopback; IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts an emulator. Rejects with {@link ConfigError} on invalid options, or with the listen
 * error (e.g. EADDRINUSE).
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const opts = resolveOptions(options);
  const store = new Store(opts.dataDir);
  const restored = store.init();
  const record = new RecordLog(store.state, restored.record);
  const faults = new FaultState();
  const renderer = new Renderer({ cacheDir: store.cacheDir, cached: opts.cachedRender, maxConcurrent: opts.maxConcurrentRenders });
  const webhooks = new WebhookDispatcher({ retry: opts.webhookRetry, faults, logger: opts.logger });
  webhooks.setTarget(opts.webhook);
  const jobs = new JobRunner({ opts, store, renderer, webhooks });
  const videos = new VideoService({ opts, store, record, jobs });
  const batches = new BatchRunner({ opts, store, jobs, videos, webhooks });
  const idempotency = new IdempotencyKeys(store, opts.idempotency);
  // Jobs and batches accepted before a restart carry on; their webhooks go to the target configured now.
  batches.restore(restored.batches);
  for (const { video, plan } of restored.unfinished) jobs.resume(video, plan);
  const ctx: EmulatorContext = { opts, store, record, faults, idempotency, renderer, jobs, webhooks, videos, batches };

  const server = http.createServer(createApp(ctx));
  try {
    await listen(server, opts.port, opts.host);
  } catch (e) {
    batches.close();
    renderer.close();
    await jobs.close();
    await webhooks.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${urlHost(opts.host)}:${port}`;
  let closing: Promise<void> | null = null;

  return {
    origin,
    baseURL: `${origin}/v1`,
    port,
    faults,
    record,
    setWebhook(target: WebhookTarget | null): void {
      if (target) validateWebhook('webhook', target);
      webhooks.setTarget(target);
    },
    close(): Promise<void> {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        batches.close();
        // Jobs first: their abort is synchronous, so a render killed below is never reported as a failure.
        const jobsClosed = jobs.close();
        renderer.close();
        await jobsClosed;
        await webhooks.close();
        await serverClosed;
      })();
      return closing;
    },
  };
}
