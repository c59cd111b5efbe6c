/**
 * Bearer authentication and request-level limits (RPM and injected faults) for API routes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { invalidApiKey, rateLimited, serverError } from './errors';
import type { FaultState } from './faults';

/**
 * Requires `Authorization: Bearer <key>`: equal to `apiKey` when one is configured, otherwise any
 * non-empty key. Responds 401 `invalid_api_key`.
 */
export function bearerAuth(apiKey: string | null) {
  const expected = apiKey ? Buffer.from(apiKey) : null;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = m?.[1].trim() ?? '';
    if (!token) return next(invalidApiKey(true));
    if (expected) {
      const got = Buffer.from(token);
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) return next(invalidApiKey(false));
    }
    next();
  };
}

/** Path as the upstream sees it: without the optional `/v1` prefix. */
export function apiPath(req: Request): string {
  return req.path.replace(/^\/v1(?=\/|$)/, '') || '/';
}

/** Rolling one-minute request counter for `rateLimit.rpm`. */
export class RpmLimiter {
  private readonly stamps: number[] = [];

  constructor(private readonly rpm: number) {}

  /** Records a request; returns the ms to wait when over the limit (the request is not counted). */
  take(now = Date.now()): number | null {
    while (this.stamps.length && this.stamps[0] <= now - 60_000) this.stamps.shift();
    if (this.stamps.length >= this.rpm) return this.stamps[0] + 60_000 - now;
    this.stamps.push(now);
    return null;
  }
}

/** Applies injected 429/500 faults (counted) and the RPM limit, in that order. */
export function requestFaults(faults: FaultState, rpm: number | null) {
  const limiter = rpm ? new RpmLimiter(rpm) : null;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const p = apiPath(req);
    const retryAfter = faults.takeRateLimit(req.method, p);
    if (retryAfter !== null) return next(rateLimited(retryAfter, ' (injected fault)'));
    if (faults.takeServerError(req.method, p)) return next(serverError());
    const wait = limiter?.take();
    if (wait !== undefined && wait !== null) return next(rateLimited(wait, ` per min (RPM): Limit ${rpm}`));
    next();
  };
}

/** Waits `faults.latencyMs` before handling an API request. */
export function injectedLatency(faults: FaultState) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    const ms = faults.latencyMs();
    if (ms > 0) setTimeout(next, ms).unref();
    else next();
  };
}

/**
 * Applies the `holdResponse` fault: the request runs to completion, only the bytes of its
 * response wait. Timers are unref'd and cut short by the server's close (connections destroyed).
 */
export function heldResponses(faults: FaultState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const ms = faults.takeHold(req.method, apiPath(req));
    if (ms !== null && ms > 0) {
      const end = res.end.bind(res) as (...args: unknown[]) => Response;
      res.end = ((...args: unknown[]) => {
        setTimeout(() => end(...args), ms).unref();
        return res;
      }) as Response['end'];
    }
    next();
  };
}
