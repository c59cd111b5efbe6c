/**
 * Public option and control types of the Videos API emulator. Re-exported from `./index`.
 */

/** Minimal logger; pino, console and the default no-op logger all fit. */
export interface EmulatorLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** How long the simulated job phases take. All values are milliseconds. */
export interface EmulatorTiming {
  /** Time a job stays `queued` before it turns `in_progress`. Default 250. */
  queuedMs: number;
  /**
   * Minimum time a job stays `in_progress`, so clients can watch `progress` move even when the
   * render itself takes a fraction of a second. Default 1000.
   */
  minRenderMs: number;
  /** Extra `in_progress` time per second of clip, to make long clips take longer. Default 0. */
  perSecondMs: number;
  /** Value of the `openai-poll-after-ms` header on retrieves of unfinished videos. Default 500. */
  pollAfterMs: number;
}

/** Deterministic faults, controlled at runtime (see {@link FaultController}). */
export interface Faults {
  /**
   * The next `remaining` API requests whose `"METHOD /path"` matches `match` (a regex over the path
   * without `/v1`, e.g. `"POST /videos$"`; all requests when absent) get 429
   * `rate_limit_exceeded` with `retry-after-ms` and `retry-after` headers.
   */
  rateLimit: { remaining: number; retryAfterMs: number; match?: string } | null;
  /** The next `remaining` matching API requests get 500 with the contract's server-error message. */
  serverError: { remaining: number; match?: string } | null;
  /**
   * The next `remaining` matching API requests are handled normally (a create is accepted and
   * recorded), but their response is held back for `ms`: a client that times out, or dies, in
   * that window never learns what was created (the lost-response window idempotency keys close).
   */
  holdResponse: { remaining: number; ms: number; match?: string } | null;
  /** Added before every API response. */
  latencyMs: number;
  /**
   * Webhook delivery faults: drop or duplicate the next N deliveries, delay every delivery, and
   * `reorder` = hold deliveries and send each pair in reverse order.
   */
  webhooks: { drop: number; duplicate: number; delayMs: number; reorder: boolean };
}

/** Argument of {@link FaultController.set}: any subset, with `webhooks` merged key by key. */
export type FaultsInput = Partial<Omit<Faults, 'webhooks'>> & { webhooks?: Partial<Faults['webhooks']> };

/** Runtime fault control; the admin HTTP routes `/_emulator/faults` drive the same object. */
export interface FaultController {
  /** Replaces the given fault kinds (webhook faults are merged per field). */
  set(f: FaultsInput): Faults;
  /** Back to no faults. */
  clear(): Faults;
  /** A copy of the current faults, with remaining counts. */
  get(): Faults;
}

/** Kinds of job-creating requests kept in the {@link EmulatorRecord}. */
export type RecordKind = 'create' | 'remix' | 'edit' | 'extend' | 'character' | 'batch_item';

/** One accepted job-creating request. */
export interface RecordEntry {
  kind: RecordKind;
  /** Id of the created video (or character). */
  id: string;
  prompt?: string;
  model?: string;
  /** `Date.now()` when accepted. */
  at: number;
  /** Source video of a remix, edit or extension. */
  sourceId?: string;
  /** Batch that created a `batch_item`. */
  batchId?: string;
  /** `Idempotency-Key` the request carried (a replay with the same key adds no entry). */
  idempotencyKey?: string;
  /** The reference image the job was created with: its type, dimensions and SHA-256. */
  reference?: { type: string; width: number; height: number; sha256: string };
}

/** The emulator's own record of every ACCEPTED job-creating request (rejected ones are absent). */
export interface EmulatorRecord {
  entries(): ReadonlyArray<RecordEntry>;
  count(kind?: RecordKind): number;
}

/** Where and how webhooks are delivered. `secret` is `'whsec_' + base64`. */
export interface WebhookTarget {
  url: string;
  secret: string;
}

/** Options of {@link startEmulator}. Every field except `dataDir` has a default. */
export interface EmulatorOptions {
  /** Interface to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Port; 0 picks a free one. Default 4010. */
  port?: number;
  /** Every file the emulator writes lives under this directory; deleted videos' files are removed. */
  dataDir: string;
  /** When set, the bearer token must equal it; otherwise any non-empty token is accepted. */
  apiKey?: string;
  /** `expires_at = completed_at + assetTtlSeconds`; content is refused afterwards. Default 3600. */
  assetTtlSeconds?: number;
  /** Job phase durations; defaults let a 4 s clip complete in about 1.5 s. */
  timing?: Partial<EmulatorTiming>;
  /** Render one clip per (size, seconds) and hard-link it into every job. Default false. */
  cachedRender?: boolean;
  /**
   * false (default): also accept 16/20 s and, for sora-2-pro, 1920x1080/1080x1920 as the 2026
   * guide says. true: only the spec enums (4/8/12 s, four sizes).
   */
  strictContract?: boolean;
  /**
   * Case-insensitive substrings. `blockAtCreate` (default `['EMULATOR_BLOCK']`) rejects the request
   * with 400 `moderation_blocked`; `failDuringRender` (default `['EMULATOR_FAIL_RENDER']`) ends the
   * job `failed` with `error.code = 'moderation_blocked'`.
   */
  moderation?: { blockAtCreate?: string[]; failDuringRender?: string[] };
  /** Webhook target; null/absent = no deliveries. Can be changed later with `setWebhook`. */
  webhook?: WebhookTarget | null;
  /** Retries on non-2xx or network errors: delay = baseDelayMs · 2^(attempt-1). Default 5 attempts, 500 ms. */
  webhookRetry?: { attempts: number; baseDelayMs: number };
  /** `rpm`: requests per rolling minute before 429 (default unlimited); `maxConcurrentRenders`: ffmpeg processes at once (default 2). */
  rateLimit?: { rpm?: number; maxConcurrentRenders?: number };
  /** Largest accepted request body or uploaded file. Default 100 MiB. Beyond → 413. */
  maxUploadBytes?: number;
  /** Batch completion window. Default 24 h. Unfinished lines then end with `batch_expired`. */
  batchCompletionWindowMs?: number;
  /**
   * Honour `Idempotency-Key` on job-creating requests (same key + same request → the same job).
   * Default true; false behaves like a gateway that ignores the header.
   */
  idempotency?: boolean;
  /** Default: errors to console.error, everything else silent. */
  logger?: EmulatorLogger;
}

/** A running emulator. */
export interface Emulator {
  /** e.g. `http://127.0.0.1:4010`. */
  readonly origin: string;
  /** `origin + '/v1'`; pass to `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  readonly port: number;
  readonly faults: FaultController;
  readonly record: EmulatorRecord;
  /** Sets or clears the webhook target (the in-process server calls this once it knows its port). */
  setWebhook(target: WebhookTarget | null): void;
  /** Stops timers, kills in-flight ffmpeg renders, cancels webhook retries and closes the server. */
  close(): Promise<void>;
}
