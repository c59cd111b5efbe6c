/**
 * Option defaults and validation, plus the `EMULATOR_*` environment mapping used by `main.ts`.
 */
import path from 'node:path';
import type { EmulatorLogger, EmulatorOptions, EmulatorTiming, WebhookTarget } from './types';

/** Raised for an invalid option or environment variable; `variable` names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Options with every default applied. */
export interface ResolvedOptions {
  host: string;
  port: number;
  dataDir: string;
  apiKey: string | null;
  assetTtlSeconds: number;
  timing: EmulatorTiming;
  cachedRender: boolean;
  strictContract: boolean;
  moderation: { blockAtCreate: string[]; failDuringRender: string[] };
  webhook: WebhookTarget | null;
  webhookRetry: { attempts: number; baseDelayMs: number };
  rpm: number | null;
  maxConcurrentRenders: number;
  maxUploadBytes: number;
  batchCompletionWindowMs: number;
  idempotency: boolean;
  logger: EmulatorLogger;
}

/** Defaults, exported so docs and tests can refer to them. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 4010,
  assetTtlSeconds: 3600,
  timing: { queuedMs: 250, minRenderMs: 1000, perSecondMs: 0, pollAfterMs: 500 } satisfies EmulatorTiming,
  blockAtCreate: ['EMULATOR_BLOCK'],
  failDuringRender: ['EMULATOR_FAIL_RENDER'],
  webhookRetry: { attempts: 5, baseDelayMs: 500 },
  maxConcurrentRenders: 2,
  maxUploadBytes: 100 * 1024 * 1024,
  batchCompletionWindowMs: 24 * 60 * 60 * 1000,
} as const;

const noop = (): void => undefined;
/** Errors go to stderr; info and warnings stay quiet unless a logger is passed. */
const defaultLogger: EmulatorLogger = { info: noop, warn: noop, error: (...a) => console.error('[emulator]', ...a) };

function nonNegInt(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 0) throw new ConfigError(name, `expected a non-negative integer, got ${String(v)}`);
  return v;
}

function posInt(name: string, v: number | undefined, def: number): number {
  const n = nonNegInt(name, v, def);
  if (n === 0) throw new ConfigError(name, 'must be at least 1');
  return n;
}

/** Checks a webhook secret has the `whsec_` + base64 shape `webhooks.unwrap` expects. */
export function validateWebhookSecret(name: string, secret: string): void {
  const rest = secret.startsWith('whsec_') ? secret.slice(6) : '';
  if (!rest || !/^[A-Za-z0-9+/]+={0,2}$/.test(rest) || Buffer.from(rest, 'base64').length < 16) {
    throw new ConfigError(name, "expected 'whsec_' followed by base64 of at least 16 random bytes");
  }
}

/** Applies defaults and validates; throws {@link ConfigError} naming the bad option. */
export function resolveOptions(o: EmulatorOptions): ResolvedOptions {
  if (!o.dataDir) throw new ConfigError('dataDir', 'is required');
  const t = o.timing ?? {};
  if (o.webhook) validateWebhook('webhook', o.webhook);
  const port = nonNegInt('port', o.port, DEFAULTS.port);
  if (port > 65535) throw new ConfigError('port', `expected 0..65535, got ${port}`);
  return {
    host: o.host ?? DEFAULTS.host,
    port,
    dataDir: path.resolve(o.dataDir),
    apiKey: o.apiKey ? o.apiKey : null,
    assetTtlSeconds: nonNegInt('assetTtlSeconds', o.assetTtlSeconds, DEFAULTS.assetTtlSeconds),
    timing: {
      queuedMs: nonNegInt('timing.queuedMs', t.queuedMs, DEFAULTS.timing.queuedMs),
      minRenderMs: nonNegInt('timing.minRenderMs', t.minRenderMs, DEFAULTS.timing.minRenderMs),
      perSecondMs: nonNegInt('timing.perSecondMs', t.perSecondMs, DEFAULTS.timing.perSecondMs),
      pollAfterMs: nonNegInt('timing.pollAfterMs', t.pollAfterMs, DEFAULTS.timing.pollAfterMs),
    },
    cachedRender: o.cachedRender ?? false,
    strictContract: o.strictContract ?? false,
    moderation: {
      blockAtCreate: (o.moderation?.blockAtCreate ?? [...DEFAULTS.blockAtCreate]).filter(Boolean),
      failDuringRender: (o.moderation?.failDuringRender ?? [...DEFAULTS.failDuringRender]).filter(Boolean),
    },
    webhook: o.webhook ?? null,
    webhookRetry: {
      attempts: posInt('webhookRetry.attempts', o.webhookRetry?.attempts, DEFAULTS.webhookRetry.attempts),
      baseDelayMs: nonNegInt('webhookRetry.baseDelayMs', o.webhookRetry?.baseDelayMs, DEFAULTS.webhookRetry.baseDelayMs),
    },
    rpm: o.rateLimit?.rpm === undefined ? null : posInt('rateLimit.rpm', o.rateLimit.rpm, 1),
    maxConcurrentRenders: posInt(
      'rateLimit.maxConcurrentRenders',
      o.rateLimit?.maxConcurrentRenders,
      DEFAULTS.maxConcurrentRenders,
    ),
    maxUploadBytes: posInt('maxUploadBytes', o.maxUploadBytes, DEFAULTS.maxUploadBytes),
    batchCompletionWindowMs: posInt('batchCompletionWindowMs', o.batchCompletionWindowMs, DEFAULTS.batchCompletionWindowMs),
    idempotency: o.idempotency ?? true,
    logger: o.logger ?? defaultLogger,
  };
}

/** Validates a webhook target (absolute http(s) URL + whsec_ secret). */
export function validateWebhook(name: string, target: WebhookTarget): void {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new ConfigError(`${name}.url`, `not an absolute URL: ${target.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}.url`, 'must be an http(s) URL');
  }
  validateWebhookSecret(`${name}.secret`, target.secret);
}

type Env = Record<string, string | undefined>;

function envInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a non-negative integer, got '${raw}'`);
  return Number(raw.trim());
}

function envBool(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got '${env[name]}'`);
}

function envList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Reads the `EMULATOR_*` variables (see docs/emulator.md). Throws {@link ConfigError} naming the
 * variable on a bad value; the result still goes through {@link resolveOptions}.
 */
export function optionsFromEnv(env: Env = process.env): EmulatorOptions {
  const url = env.EMULATOR_WEBHOOK_URL?.trim();
  const secret = env.EMULATOR_WEBHOOK_SECRET?.trim();
  let webhook: WebhookTarget | null = null;
  if (url) {
    if (!secret) {
      throw new ConfigError(
        'EMULATOR_WEBHOOK_SECRET',
        "is required when EMULATOR_WEBHOOK_URL is set (format 'whsec_' + base64 of 32 random bytes)",
      );
    }
    try {
      new URL(url);
    } catch {
      throw new ConfigError('EMULATOR_WEBHOOK_URL', `not an absolute URL: '${url}'`);
    }
    validateWebhookSecret('EMULATOR_WEBHOOK_SECRET', secret);
    webhook = { url, secret };
  }
  const attempts = envInt(env, 'EMULATOR_WEBHOOK_RETRY_ATTEMPTS');
  const baseDelayMs = envInt(env, 'EMULATOR_WEBHOOK_RETRY_BASE_MS');
  const opts: EmulatorOptions = {
    host: env.EMULATOR_HOST?.trim() || DEFAULTS.host,
    port: envInt(env, 'EMULATOR_PORT') ?? DEFAULTS.port,
    dataDir: env.EMULATOR_DATA_DIR?.trim() || './data/emulator',
    apiKey: env.EMULATOR_API_KEY || undefined,
    assetTtlSeconds: envInt(env, 'EMULATOR_ASSET_TTL_SECONDS'),
    cachedRender: envBool(env, 'EMULATOR_CACHED_RENDER'),
    strictContract: envBool(env, 'EMULATOR_STRICT_CONTRACT'),
    moderation: { blockAtCreate: envList(env, 'EMULATOR_BLOCK_TERMS'), failDuringRender: envList(env, 'EMULATOR_FAIL_TERMS') },
    webhook,
    webhookRetry:
      attempts !== undefined || baseDelayMs !== undefined
        ? {
            attempts: attempts ?? DEFAULTS.webhookRetry.attempts,
            baseDelayMs: baseDelayMs ?? DEFAULTS.webhookRetry.baseDelayMs,
          }
        : undefined,
    rateLimit: { rpm: envInt(env, 'EMULATOR_RPM') || undefined, maxConcurrentRenders: envInt(env, 'EMULATOR_RENDER_CONCURRENCY') },
    maxUploadBytes: envInt(env, 'EMULATOR_MAX_UPLOAD_BYTES'),
    batchCompletionWindowMs: envInt(env, 'EMULATOR_BATCH_WINDOW_MS'),
    idempotency: envBool(env, 'EMULATOR_IDEMPOTENCY'),
    timing: {
      queuedMs: envInt(env, 'EMULATOR_QUEUED_MS'),
      minRenderMs: envInt(env, 'EMULATOR_MIN_RENDER_MS'),
      perSecondMs: envInt(env, 'EMULATOR_PER_SECOND_MS'),
      pollAfterMs: envInt(env, 'EMULATOR_POLL_AFTER_MS'),
    },
  };
  // Re-validate with env names so a message like "must be at least 1" names the variable.
  const envNames: Record<string, string> = {
    port: 'EMULATOR_PORT',
    'rateLimit.maxConcurrentRenders': 'EMULATOR_RENDER_CONCURRENCY',
    maxUploadBytes: 'EMULATOR_MAX_UPLOAD_BYTES',
    batchCompletionWindowMs: 'EMULATOR_BATCH_WINDOW_MS',
    'webhookRetry.attempts': 'EMULATOR_WEBHOOK_RETRY_ATTEMPTS',
  };
  try {
    resolveOptions(opts);
  } catch (e) {
    if (e instanceof ConfigError && envNames[e.variable]) {
      throw new ConfigError(envNames[e.variable], e.message.slice(e.variable.length + 2));
    }
    throw e;
  }
  return opts;
}
