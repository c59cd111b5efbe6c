import path from 'node:path';

/** Where Reelgraph keeps its rows. */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgresql'; url: string };

/** Which Videos API Reelgraph talks to. */
export type UpstreamConfig =
  | { mode: 'embedded' }
  | { mode: 'remote'; baseURL: string; apiKey: string };

/** The typed, validated configuration, read once from the environment at start-up. */
export interface Config {
  /** `PORT` (4000): HTTP and WebSocket port. 0 picks a free port (tests). */
  port: number;
  /** `HOST` (127.0.0.1): bind address. Loopback by default so nothing is exposed by accident. */
  host: string;
  /** `PUBLIC_URL` (http://HOST:PORT): the origin clients use; media URLs are built from it. */
  publicUrl: string | undefined;
  /** `DATA_DIR` (./data): SQLite file, stored media, secrets generated for the embedded mode. */
  dataDir: string;
  database: DatabaseConfig;
  /** `REDIS_URL`: when set, events fan out through Redis so several instances share them. */
  redisUrl: string | undefined;
  upstream: UpstreamConfig;
  /** `OPENAI_WEBHOOK_SECRET` (`whsec_…`): verifies upstream webhooks. Generated in embedded mode. */
  webhookSecret: string | undefined;
  /** `METRICS_TOKEN`: when set, `/metrics` requires `Authorization: Bearer <token>`; unset, it answers loopback clients only. */
  metricsToken: string | undefined;
  /** `MEDIA_SIGNING_SECRET`: HMAC key for media URLs. Generated once and kept under DATA_DIR when unset. */
  mediaSigningSecret: string | undefined;
  /** `MEDIA_URL_TTL_SECONDS` (3600): longest lifetime of a signed media URL. */
  mediaUrlTtlSeconds: number;
  /**
   * `MEDIA_URL_MIN_VALIDITY_SECONDS` (¾ of the TTL, 2700): shortest time a media URL stays valid after
   * it is handed out. The same URL is handed out for `TTL − this` seconds (15 minutes by default).
   */
  mediaUrlMinValiditySeconds: number;
  /** `EXPLORER` (true): GraphiQL at `GET /graphql` for browsers. The studio at `/` is always served. */
  explorer: boolean;
  /** `LOG_LEVEL` (info): pino level. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  jobs: JobsConfig;
  http: HttpConfig;
  websocket: WebSocketConfig;
  sse: SseConfig;
  uploads: UploadsConfig;
  models: ModelsConfig;
  guardrails: GuardrailsConfig;
  security: SecurityConfig;
  outboundWebhooks: OutboundWebhooksConfig;
  /** Options for the embedded emulator (`EMULATOR_*`), used only when no `OPENAI_API_KEY` is set. */
  emulator: EmbeddedEmulatorConfig;
}

/** Background work tuning. */
export interface JobsConfig {
  /** `JOBS_ENABLED` (true): run the dispatcher, reconciler and custody loops in this process. */
  enabled: boolean;
  /** `JOBS_CONCURRENCY` (4): tasks one process works on at once. */
  concurrency: number;
  /** `JOBS_IDLE_POLL_MS` (1000): how often an idle worker looks for due tasks. */
  idlePollMs: number;
  /** `JOBS_LEASE_MS` (8000): how long a task claimed by a process that stopped answering stays blocked for others. */
  leaseMs: number;
  /** `JOBS_HEARTBEAT_MS` (2000): how often a live process extends the leases it holds; at most a third of `JOBS_LEASE_MS`. */
  heartbeatMs: number;
  /** `JOB_MAX_AGE_SECONDS` (10800): a job that has not finished this long after submission fails with `UPSTREAM_TIMEOUT`. */
  maxJobAgeSeconds: number;
  /** `JOB_SUBMIT_ATTEMPTS` (8): submission attempts before a job fails with the last upstream error. */
  submitAttempts: number;
  /** `BATCH_CONCURRENCY` (8): IMMEDIATE batches keep at most this many submissions in flight per batch. */
  batchConcurrency: number;
}

/** Webhooks Reelgraph sends to tenants, and other requests to URLs tenants choose (reference images). */
export interface OutboundWebhooksConfig {
  /** `OUTBOUND_WEBHOOKS_ALLOW_PRIVATE` (false): allow loopback, private and link-local targets (and http). For local receivers and tests only. */
  allowPrivate: boolean;
  /** `OUTBOUND_WEBHOOKS_MAX_ENDPOINTS` (10): webhook endpoints per tenant. */
  maxEndpoints: number;
  /** `OUTBOUND_WEBHOOKS_RETRY_SCHEDULE` (5s,30s,2m,10m,1h,2h,4h,8h,8h): waits between attempts; after the last one a delivery fails (about 23 h). */
  retryScheduleMs: number[];
  /** `OUTBOUND_WEBHOOKS_TIMEOUT_MS` (10000): a receiver must answer within this. */
  timeoutMs: number;
  /** `OUTBOUND_WEBHOOKS_DISABLE_AFTER_DAYS` (5): an endpoint whose deliveries all failed this long is disabled. */
  disableAfterDays: number;
  /** `OUTBOUND_WEBHOOKS_SECRET_OVERLAP_SECONDS` (86400): after a rotation, the old secret keeps signing this long. */
  secretOverlapSeconds: number;
  /** `INPUT_REFERENCE_URL_TIMEOUT_MS` (15000): an `inputReferenceUrl` must be fetched within this. */
  referenceTimeoutMs: number;
}

/** Who may call, and how much. */
export interface SecurityConfig {
  /** `ALLOW_ANONYMOUS` (false): with no API keys, accept requests without a key even when bound beyond loopback. */
  allowAnonymous: boolean;
  /** `OPERATOR_TENANT` (local): the tenant whose admin keys run the deployment (model pins, budgets of every tenant). */
  operatorTenant: string;
  /** `RATE_LIMIT_PER_MINUTE` (600; 0 switches limits off): sustained requests per key. */
  ratePerMinute: number;
  /** `RATE_LIMIT_BURST` (120): requests a key may send at once before the rate applies. */
  rateBurst: number;
  /** `MAX_QUERY_DEPTH` (12). */
  maxQueryDepth: number;
  /** `MAX_QUERY_COST` (5000): computed cost (connections count `first` × their nodes). */
  maxQueryCost: number;
  /** `MAX_QUERY_BYTES` (100000): longest query text (UTF-8 bytes), refused before parsing on every transport. */
  maxQueryBytes: number;
  /** `MAX_QUERY_TOKENS` (2000): most lexical tokens in a document; parsing stops there (bounds validation time). */
  maxQueryTokens: number;
  /** `MAX_RESPONSE_BYTES` (10485760): largest GraphQL response over HTTP; execution stops there. */
  maxResponseBytes: number;
  /** `MAX_MUTATIONS_PER_REQUEST` (20): most root mutation fields (aliases counted) in one operation; each also takes a rate-limit token. */
  maxMutationsPerRequest: number;
  /** `MAX_SUBSCRIPTIONS_PER_CONNECTION` (50). */
  maxSubscriptionsPerConnection: number;
  /** `MAX_ACTIVE_JOBS_PER_TENANT` (200): jobs with the upstream at once per tenant (IMMEDIATE batches wait for room). */
  maxActiveJobsPerTenant: number;
  /** `BODY_LIMIT_BYTES` (1048576): largest GraphQL request body. */
  bodyLimitBytes: number;
  /** `INTROSPECTION` (true): partner integrators generate clients from it. */
  introspection: boolean;
  /** `CORS_ORIGINS` (none): comma-separated browser origins allowed to call the API. */
  corsOrigins: string[];
  /** `AUTH_FAILURES_PER_MINUTE` (30; 0 switches it off): unknown keys one client address may present per minute; then 429 until the minute ends. */
  authFailuresPerMinute: number;
}

/** Where the model catalog comes from, and deployment pins. */
export interface ModelsConfig {
  /** `MODEL_CATALOG_FILE`: the operator's catalog (JSON, same shape as the shipped default). */
  catalogFile: string | undefined;
  /** `MODEL_PINS` (`sora-2=sora-2-2025-10-06,…`): deployment pins, over the catalog file's `pins`. */
  pins: Record<string, string>;
}

/** Content guardrails. */
export interface GuardrailsConfig {
  /** `POLICY_FILE`: the operator's content policy (JSON, same shape as the shipped default). */
  policyFile: string | undefined;
  /** `MODERATION_BASE_URL` + `MODERATION_API_KEY` (+ `MODERATION_MODEL`, default omni-moderation-latest): an OpenAI-compatible moderation endpoint to screen prompts with. */
  moderation: { baseURL: string; apiKey: string; model: string } | undefined;
}

/** How long clients may take to send a request (slow or stalled clients hold a connection and memory). */
export interface HttpConfig {
  /** `HTTP_HEADERS_TIMEOUT_MS` (10000): the request line and headers must arrive within this; else 408 and the connection closes. */
  headersTimeoutMs: number;
  /** `HTTP_REQUEST_TIMEOUT_MS` (30000): the body of any request but an upload must arrive within this after its headers; else 408. */
  requestTimeoutMs: number;
  /** `HTTP_BODY_IDLE_TIMEOUT_MS` (10000): a body (uploads included) that sends nothing for this long is cut off with 408. */
  bodyIdleTimeoutMs: number;
  /** `HTTP_KEEPALIVE_TIMEOUT_MS` (5000): an idle kept-alive connection is closed after this. Behind a load balancer, set it above the balancer's idle timeout. */
  keepAliveTimeoutMs: number;
}

/** Limits of `POST /uploads`. */
export interface UploadsConfig {
  /** `UPLOAD_MAX_BYTES` (52428800 = 50 MiB): larger uploads are refused with 413 and nothing is kept. */
  maxBytes: number;
  /** `UPLOAD_TIMEOUT_MS` (600000): an upload's body must arrive within this after its headers (while it keeps sending); else 408. */
  timeoutMs: number;
  /** `UPLOAD_TTL_SECONDS` (86400): an upload no mutation has used by then is deleted. */
  ttlSeconds: number;
}

/** WebSocket transport tuning. */
export interface WebSocketConfig {
  /** `WS_CONNECTION_INIT_TIMEOUT_MS` (10000): a connection that sends no `connection_init` in time is closed with 4408. */
  connectionInitTimeoutMs: number;
  /** `WS_KEEPALIVE_MS` (12000): interval of ping frames that keep idle connections (and proxies) alive. */
  keepAliveMs: number;
  /** `WS_MAX_PAYLOAD_BYTES` (BODY_LIMIT_BYTES, 1048576): largest message of an authenticated connection; larger closes it with 1009. */
  maxPayloadBytes: number;
  /** `WS_PREAUTH_MAX_PAYLOAD_BYTES` (16384): largest message before `connection_ack`; larger closes the connection with 1009. */
  preAuthMaxPayloadBytes: number;
  /** `WS_PREAUTH_CONNECTIONS_PER_ADDRESS` (1024): unauthenticated connections one client address may hold; more upgrades get 429. */
  preAuthConnectionsPerAddress: number;
}

/** GraphQL over SSE tuning (`/graphql/stream`). */
export interface SseConfig {
  /** `MAX_SSE_STREAMS_PER_KEY` (50): event streams (and unconnected single-connection reservations) one API key may hold open. */
  maxStreamsPerKey: number;
  /** `SSE_KEEPALIVE_MS` (12000): interval of comment lines that keep idle streams (and proxies) alive. */
  keepAliveMs: number;
  /** `SSE_RESERVATION_TIMEOUT_MS` (10000): a single-connection reservation (PUT) whose stream is not opened in time is dropped. */
  reservationTimeoutMs: number;
}

/** Options passed to the embedded emulator. */
export interface EmbeddedEmulatorConfig {
  /** `EMULATOR_CACHED_RENDER` (false): reuse one render per size and duration. */
  cachedRender: boolean;
  /** `EMULATOR_STRICT_CONTRACT` (false): accept only the spec's 4/8/12 s and four sizes. */
  strictContract: boolean;
  /** `EMULATOR_ASSET_TTL_SECONDS` (3600): how long the emulator keeps finished assets. */
  assetTtlSeconds: number;
  /** `EMULATOR_MIN_RENDER_MS` (1000): shortest time an embedded job renders (longer makes restarts mid-render easy to try). */
  minRenderMs: number;
}

/** Thrown when the environment holds a bad value; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads the environment once into a typed {@link Config}.
 *
 * Every problem is collected before failing, so one start-up attempt reports them all.
 * @throws ConfigError naming each bad variable and what it accepts.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const port = read.int('PORT', 4000, 0, 65535);
  const host = read.string('HOST', '127.0.0.1');
  const dataDir = path.resolve(read.string('DATA_DIR', './data'));
  const databaseUrl = read.optional('DATABASE_URL');
  let database: DatabaseConfig = { kind: 'sqlite', path: path.join(dataDir, 'reelgraph.sqlite') };
  if (databaseUrl) {
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) database = { kind: 'postgresql', url: databaseUrl };
    else if (databaseUrl.startsWith('sqlite:')) database = { kind: 'sqlite', path: path.resolve(databaseUrl.slice('sqlite:'.length)) };
    else problems.push(`DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got '${redactUrl(databaseUrl)}')`);
  }

  const redisUrl = read.optional('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) problems.push(`REDIS_URL must start with redis:// or rediss:// (got '${redactUrl(redisUrl)}')`);

  const apiKey = read.optional('OPENAI_API_KEY');
  const baseURL = read.optional('OPENAI_BASE_URL');
  let upstream: UpstreamConfig = { mode: 'embedded' };
  if (apiKey) {
    const url = baseURL ?? 'https://api.openai.com/v1';
    if (!/^https?:\/\//.test(url)) problems.push(`OPENAI_BASE_URL must be an http(s) URL (got '${url}')`);
    upstream = { mode: 'remote', baseURL: url.replace(/\/+$/, ''), apiKey };
  } else if (baseURL) {
    problems.push('OPENAI_BASE_URL is set but OPENAI_API_KEY is not: set both to use a remote upstream, or neither for the embedded emulator');
  }

  const webhookSecret = read.optional('OPENAI_WEBHOOK_SECRET');
  if (webhookSecret !== undefined && webhookSecret.length < 16) problems.push('OPENAI_WEBHOOK_SECRET is too short: use the whsec_… secret shown when the webhook endpoint was created');

  const mediaSigningSecret = read.optional('MEDIA_SIGNING_SECRET');
  if (mediaSigningSecret !== undefined && mediaSigningSecret.length < 32) problems.push('MEDIA_SIGNING_SECRET must be at least 32 characters');

  const mediaUrlTtlSeconds = read.int('MEDIA_URL_TTL_SECONDS', 3600, 10, 7 * 24 * 3600);
  const mediaUrlMinValiditySeconds = read.int('MEDIA_URL_MIN_VALIDITY_SECONDS', Math.floor((mediaUrlTtlSeconds * 3) / 4), 1, mediaUrlTtlSeconds - 1);

  const publicUrl = read.optional('PUBLIC_URL');
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL (got '${publicUrl}')`);

  const bodyLimitBytes = read.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024);
  const config: Config = {
    port,
    host,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    dataDir,
    database,
    redisUrl,
    upstream,
    webhookSecret,
    mediaSigningSecret,
    mediaUrlTtlSeconds,
    mediaUrlMinValiditySeconds,
    explorer: read.bool('EXPLORER', true),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    jobs: {
      enabled: read.bool('JOBS_ENABLED', true),
      concurrency: read.int('JOBS_CONCURRENCY', 4, 1, 256),
      idlePollMs: read.int('JOBS_IDLE_POLL_MS', 1000, 10, 60_000),
      ...leaseTimes(read, problems),
      maxJobAgeSeconds: read.int('JOB_MAX_AGE_SECONDS', 3 * 3600, 1, 7 * 24 * 3600),
      submitAttempts: read.int('JOB_SUBMIT_ATTEMPTS', 8, 1, 100),
      batchConcurrency: read.int('BATCH_CONCURRENCY', 8, 1, 256),
    },
    metricsToken: read.optional('METRICS_TOKEN'),
    security: {
      allowAnonymous: read.bool('ALLOW_ANONYMOUS', false),
      operatorTenant: read.string('OPERATOR_TENANT', 'local'),
      ratePerMinute: read.int('RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
      rateBurst: read.int('RATE_LIMIT_BURST', 120, 1, 1_000_000),
      maxQueryDepth: read.int('MAX_QUERY_DEPTH', 12, 2, 100),
      maxQueryCost: read.int('MAX_QUERY_COST', 5000, 10, 10_000_000),
      maxQueryBytes: read.int('MAX_QUERY_BYTES', 100_000, 1024, 10 * 1024 * 1024),
      maxQueryTokens: read.int('MAX_QUERY_TOKENS', 2000, 200, 1_000_000),
      maxResponseBytes: read.int('MAX_RESPONSE_BYTES', 10 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
      maxMutationsPerRequest: read.int('MAX_MUTATIONS_PER_REQUEST', 20, 1, 10_000),
      maxSubscriptionsPerConnection: read.int('MAX_SUBSCRIPTIONS_PER_CONNECTION', 50, 1, 10_000),
      maxActiveJobsPerTenant: read.int('MAX_ACTIVE_JOBS_PER_TENANT', 200, 1, 1_000_000),
      bodyLimitBytes,
      introspection: read.bool('INTROSPECTION', true),
      corsOrigins: corsOrigins(read.optional('CORS_ORIGINS'), problems),
      authFailuresPerMinute: read.int('AUTH_FAILURES_PER_MINUTE', 30, 0, 1_000_000),
    },
    outboundWebhooks: {
      allowPrivate: read.bool('OUTBOUND_WEBHOOKS_ALLOW_PRIVATE', false),
      maxEndpoints: read.int('OUTBOUND_WEBHOOKS_MAX_ENDPOINTS', 10, 1, 1000),
      retryScheduleMs: read.durations('OUTBOUND_WEBHOOKS_RETRY_SCHEDULE', '5s,30s,2m,10m,1h,2h,4h,8h,8h'),
      timeoutMs: read.int('OUTBOUND_WEBHOOKS_TIMEOUT_MS', 10_000, 100, 120_000),
      disableAfterDays: read.int('OUTBOUND_WEBHOOKS_DISABLE_AFTER_DAYS', 5, 1, 365),
      secretOverlapSeconds: read.int('OUTBOUND_WEBHOOKS_SECRET_OVERLAP_SECONDS', 24 * 3600, 0, 30 * 24 * 3600),
      referenceTimeoutMs: read.int('INPUT_REFERENCE_URL_TIMEOUT_MS', 15_000, 100, 120_000),
    },
    models: {
      catalogFile: read.optional('MODEL_CATALOG_FILE'),
      pins: read.pairs('MODEL_PINS'),
    },
    guardrails: {
      policyFile: read.optional('POLICY_FILE'),
      moderation: moderationConfig(read, problems),
    },
    http: {
      headersTimeoutMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 300_000),
      requestTimeoutMs: read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      // At most 5 minutes: the temporary-file sweep counts on a live upload writing at least that often.
      bodyIdleTimeoutMs: read.int('HTTP_BODY_IDLE_TIMEOUT_MS', 10_000, 100, 300_000),
      keepAliveTimeoutMs: read.int('HTTP_KEEPALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    },
    uploads: {
      maxBytes: read.int('UPLOAD_MAX_BYTES', 50 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
      timeoutMs: read.int('UPLOAD_TIMEOUT_MS', 10 * 60_000, 1000, 24 * 3600_000),
      ttlSeconds: read.int('UPLOAD_TTL_SECONDS', 24 * 3600, 1, 30 * 24 * 3600),
    },
    websocket: {
      connectionInitTimeoutMs: read.int('WS_CONNECTION_INIT_TIMEOUT_MS', 10_000, 100, 120_000),
      keepAliveMs: read.int('WS_KEEPALIVE_MS', 12_000, 1000, 300_000),
      maxPayloadBytes: read.int('WS_MAX_PAYLOAD_BYTES', bodyLimitBytes, 1024, 100 * 1024 * 1024),
      preAuthMaxPayloadBytes: read.int('WS_PREAUTH_MAX_PAYLOAD_BYTES', 16 * 1024, 512, 1024 * 1024),
      preAuthConnectionsPerAddress: read.int('WS_PREAUTH_CONNECTIONS_PER_ADDRESS', 1024, 1, 100_000),
    },
    sse: {
      maxStreamsPerKey: read.int('MAX_SSE_STREAMS_PER_KEY', 50, 1, 100_000),
      keepAliveMs: read.int('SSE_KEEPALIVE_MS', 12_000, 100, 300_000),
      reservationTimeoutMs: read.int('SSE_RESERVATION_TIMEOUT_MS', 10_000, 100, 300_000),
    },
    emulator: {
      cachedRender: read.bool('EMULATOR_CACHED_RENDER', false),
      strictContract: read.bool('EMULATOR_STRICT_CONTRACT', false),
      assetTtlSeconds: read.int('EMULATOR_ASSET_TTL_SECONDS', 3600, 1, 30 * 24 * 3600),
      minRenderMs: read.int('EMULATOR_MIN_RENDER_MS', 1000, 0, 3_600_000),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Lease and heartbeat: a lease must survive two missed beats, or live work would be taken over. */
function leaseTimes(read: Reader, problems: string[]): Pick<JobsConfig, 'leaseMs' | 'heartbeatMs'> {
  const leaseMs = read.int('JOBS_LEASE_MS', 8000, 1000, 3_600_000);
  const heartbeatMs = read.int('JOBS_HEARTBEAT_MS', Math.min(2000, Math.floor(leaseMs / 3)), 100, 1_200_000);
  if (heartbeatMs * 3 > leaseMs) problems.push(`JOBS_HEARTBEAT_MS (${heartbeatMs}) must be at most a third of JOBS_LEASE_MS (${leaseMs}), so a lease outlives two missed heartbeats`);
  return { leaseMs, heartbeatMs };
}

function corsOrigins(raw: string | undefined, problems: string[]): string[] {
  const origins = (raw ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
  for (const origin of origins) if (!/^https?:\/\/[^/]+$/.test(origin)) problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com (got '${origin}')`);
  return origins;
}

function moderationConfig(read: Reader, problems: string[]): GuardrailsConfig['moderation'] {
  const baseURL = read.optional('MODERATION_BASE_URL');
  const apiKey = read.optional('MODERATION_API_KEY');
  if (!baseURL && !apiKey) return undefined;
  if (!baseURL || !apiKey) {
    problems.push('MODERATION_BASE_URL and MODERATION_API_KEY go together: set both to screen prompts with a moderation endpoint, or neither');
    return undefined;
  }
  if (!/^https?:\/\//.test(baseURL)) problems.push(`MODERATION_BASE_URL must be an http(s) URL (got '${baseURL}')`);
  return { baseURL: baseURL.replace(/\/+$/, ''), apiKey, model: read.string('MODERATION_MODEL', 'omni-moderation-latest') };
}

/** Hides credentials in a URL before it is echoed in an error message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** `5s,30s,2m` → [5000, 30000, 120000]; undefined when malformed. */
function parseDurations(raw: string): number[] | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  const values = parts.map((part) => {
    const match = /^(\d+)(ms|s|m|h)$/.exec(part);
    return match ? Number(match[1]) * units[match[2]] : NaN;
  });
  if (parts.length === 0 || parts.length > 50 || values.some((v) => !Number.isFinite(v) || v > 86_400_000)) return undefined;
  return values;
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got '${raw}')`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got '${raw}')`);
    return fallback;
  }

  /** `a=b,c=d` → { a: 'b', c: 'd' }. */
  pairs(name: string): Record<string, string> {
    const raw = this.optional(name);
    if (raw === undefined) return {};
    const result: Record<string, string> = {};
    for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [key, value, extra] = part.split('=').map((p) => p.trim());
      if (!key || !value || extra !== undefined) {
        this.problems.push(`${name} must look like alias=snapshot,alias=snapshot (got '${part}')`);
        continue;
      }
      result[key] = value;
    }
    return result;
  }

  /** `5s,30s,2m,1h,250ms` → milliseconds each (at most 50 entries, each up to a day). */
  durations(name: string, fallback: string): number[] {
    const raw = this.optional(name);
    const values = parseDurations(raw ?? fallback);
    if (values) return values;
    this.problems.push(`${name} must be 1 to 50 comma-separated durations like 5s,30s,2m,1h (units ms, s, m, h; each at most 24h) (got '${raw}')`);
    return parseDurations(fallback) ?? [];
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got '${raw}')`);
    return fallback;
  }
}
