/**
 * Runtime fault injection. Faults are counted, not random, so tests are repeatable.
 */
import { ApiError } from './errors';
import type { FaultController, Faults, FaultsInput } from './types';

const NO_WEBHOOK_FAULTS: Faults['webhooks'] = { drop: 0, duplicate: 0, delayMs: 0, reorder: false };

function initial(): Faults {
  return { rateLimit: null, serverError: null, holdResponse: null, latencyMs: 0, webhooks: { ...NO_WEBHOOK_FAULTS } };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function checkMatch(field: string, m: unknown): void {
  if (m === undefined) return;
  if (typeof m !== 'string') throw bad(`${field}.match`, 'expected a string like "POST /videos$"');
  const { method, pattern } = splitMatch(m);
  if (method && !/^[A-Z]+$/.test(method)) throw bad(`${field}.match`, `invalid method '${method}'`);
  try {
    new RegExp(pattern);
  } catch {
    throw bad(`${field}.match`, `invalid regular expression '${pattern}'`);
  }
}

function bad(param: string, why: string): ApiError {
  return new ApiError(400, `Invalid fault '${param}': ${why}.`, 'invalid_request_error', param, 'invalid_value');
}

/** `"POST /videos$"` → method POST + path regex; `"/videos"` → any method. */
function splitMatch(m: string): { method: string | null; pattern: string } {
  const sp = m.indexOf(' ');
  if (sp > 0 && /^[A-Za-z]+$/.test(m.slice(0, sp))) return { method: m.slice(0, sp).toUpperCase(), pattern: m.slice(sp + 1) };
  return { method: null, pattern: m };
}

/** True when a request (`method`, path without `/v1`) matches a fault's `match` (absent = all). */
export function matches(match: string | undefined, method: string, apiPath: string): boolean {
  if (!match) return true;
  const { method: m, pattern } = splitMatch(match);
  if (m && m !== method.toUpperCase()) return false;
  return new RegExp(pattern).test(apiPath);
}

/** The emulator's {@link FaultController}, plus the consuming helpers the server uses. */
export class FaultState implements FaultController {
  private faults: Faults = initial();

  /** Validates an untrusted (admin HTTP) or typed input; throws a 400 {@link ApiError}. */
  static validate(input: unknown): FaultsInput {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ApiError(400, 'Faults must be a JSON object.', 'invalid_request_error', null, 'invalid_type');
    }
    const f = input as Record<string, unknown>;
    for (const key of Object.keys(f)) {
      if (!['rateLimit', 'serverError', 'holdResponse', 'latencyMs', 'webhooks'].includes(key)) {
        throw new ApiError(400, `Unknown parameter: '${key}'.`, 'invalid_request_error', key, 'unknown_parameter');
      }
    }
    const rl = f.rateLimit as Record<string, unknown> | null | undefined;
    if (rl !== undefined && rl !== null) {
      if (!isCount(rl.remaining)) throw bad('rateLimit.remaining', 'expected a non-negative integer');
      if (!isCount(rl.retryAfterMs)) throw bad('rateLimit.retryAfterMs', 'expected a non-negative integer');
      checkMatch('rateLimit', rl.match);
    }
    const se = f.serverError as Record<string, unknown> | null | undefined;
    if (se !== undefined && se !== null) {
      if (!isCount(se.remaining)) throw bad('serverError.remaining', 'expected a non-negative integer');
      checkMatch('serverError', se.match);
    }
    const hold = f.holdResponse as Record<string, unknown> | null | undefined;
    if (hold !== undefined && hold !== null) {
      if (!isCount(hold.remaining)) throw bad('holdResponse.remaining', 'expected a non-negative integer');
      if (!isCount(hold.ms)) throw bad('holdResponse.ms', 'expected a non-negative integer');
      checkMatch('holdResponse', hold.match);
    }
    if (f.latencyMs !== undefined && !isCount(f.latencyMs)) throw bad('latencyMs', 'expected a non-negative integer');
    const wh = f.webhooks as Record<string, unknown> | undefined;
    if (wh !== undefined) {
      if (typeof wh !== 'object' || wh === null) throw bad('webhooks', 'expected an object');
      for (const k of ['drop', 'duplicate', 'delayMs'] as const) {
        if (wh[k] !== undefined && !isCount(wh[k])) throw bad(`webhooks.${k}`, 'expected a non-negative integer');
      }
      if (wh.reorder !== undefined && typeof wh.reorder !== 'boolean') throw bad('webhooks.reorder', 'expected a boolean');
    }
    return f as FaultsInput;
  }

  set(input: FaultsInput): Faults {
    const f = FaultState.validate(input);
    if (f.rateLimit !== undefined) this.faults.rateLimit = f.rateLimit ? { ...f.rateLimit } : null;
    if (f.serverError !== undefined) this.faults.serverError = f.serverError ? { ...f.serverError } : null;
    if (f.holdResponse !== undefined) this.faults.holdResponse = f.holdResponse ? { ...f.holdResponse } : null;
    if (f.latencyMs !== undefined) this.faults.latencyMs = f.latencyMs;
    if (f.webhooks !== undefined) this.faults.webhooks = { ...this.faults.webhooks, ...f.webhooks };
    return this.get();
  }

  clear(): Faults {
    this.faults = initial();
    return this.get();
  }

  get(): Faults {
    return structuredClone(this.faults);
  }

  /** Consumes one rate-limit fault if this request matches; returns the retry delay or null. */
  takeRateLimit(method: string, apiPath: string): number | null {
    const rl = this.faults.rateLimit;
    if (!rl || rl.remaining <= 0 || !matches(rl.match, method, apiPath)) return null;
    rl.remaining -= 1;
    return rl.retryAfterMs;
  }

  /** Consumes one server-error fault if this request matches. */
  takeServerError(method: string, apiPath: string): boolean {
    const se = this.faults.serverError;
    if (!se || se.remaining <= 0 || !matches(se.match, method, apiPath)) return false;
    se.remaining -= 1;
    return true;
  }

  /** Consumes one hold fault if this request matches; returns how long to hold its response, or null. */
  takeHold(method: string, apiPath: string): number | null {
    const hold = this.faults.holdResponse;
    if (!hold || hold.remaining <= 0 || !matches(hold.match, method, apiPath)) return null;
    hold.remaining -= 1;
    return hold.ms;
  }

  /** Current added latency. */
  latencyMs(): number {
    return this.faults.latencyMs;
  }

  /** Decides the fate of one webhook delivery, consuming drop/duplicate counts. */
  takeWebhookFate(): { drop: boolean; duplicate: boolean; delayMs: number; reorder: boolean } {
    const w = this.faults.webhooks;
    const drop = w.drop > 0;
    if (drop) w.drop -= 1;
    const duplicate = !drop && w.duplicate > 0;
    if (duplicate) w.duplicate -= 1;
    return { drop, duplicate, delayMs: w.delayMs, reorder: w.reorder };
  }
}
