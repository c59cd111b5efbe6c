import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode } from '../errors';
import type { Viewer } from '../graphql/context';
import { AUTH_MESSAGES, type Authenticator } from './auth';
import { rateLimited, type RateLimiter } from './rate-limit';

/** The bucket a viewer draws from: its key, or the local tenant. */
export function rateKey(viewer: Viewer): string {
  return viewer.keyId ?? `tenant:${viewer.tenantId}`;
}

/** A GraphQL-shaped error body, so GraphQL clients read refusals the same way as other errors. */
export function refuse(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extra } }] });
}

/**
 * Who sends the request (its Authorization header, or the local tenant in local mode). When that
 * fails it answers itself (401 UNAUTHENTICATED; 429 RATE_LIMITED once the address has failed too
 * often) and returns undefined.
 */
export async function authenticateRequest(auth: Authenticator, req: Request, res: Response): Promise<Viewer | undefined> {
  const result = await auth.fromRequest(req);
  if (!('failure' in result)) return result.viewer;
  if (result.failure === 'throttled') {
    const seconds = Math.ceil((result.retryAfterMs ?? 1000) / 1000);
    res.setHeader('retry-after', String(seconds));
    refuse(res, 429, ErrorCode.RATE_LIMITED, `Too many failed authentications from this address; retry in ${seconds} s with a valid API key.`, { retryAfterSeconds: seconds });
    return undefined;
  }
  res.setHeader('www-authenticate', 'Bearer');
  refuse(res, 401, ErrorCode.UNAUTHENTICATED, AUTH_MESSAGES[result.failure]);
  return undefined;
}

/**
 * Runs before GraphQL and uploads: who is calling ({@link authenticateRequest}), and whether they
 * may call now (429 RATE_LIMITED with Retry-After otherwise). Refused requests cost no
 * parsing, validation or database work. The viewer is left in `res.locals.viewer`.
 */
export function requestGuard(auth: Authenticator, limiter: RateLimiter): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'OPTIONS') return next();
    try {
      const viewer = await authenticateRequest(auth, req, res);
      if (!viewer) return;
      const decision = await limiter.take(rateKey(viewer));
      if (!decision.allowed) {
        const { message, extensions } = rateLimited(decision.retryAfterMs);
        res.setHeader('retry-after', String(extensions.retryAfterSeconds));
        refuse(res, 429, ErrorCode.RATE_LIMITED, message, { retryAfterSeconds: extensions.retryAfterSeconds });
        return;
      }
      res.locals.viewer = viewer;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * CORS for the configured browser origins only (none by default: same-origin). Preflights are
 * answered here; the GraphQL endpoint's CSRF prevention still requires a JSON content type or the
 * `apollo-require-preflight` header on simple requests.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', 'retry-after, x-request-id');
      if (req.method === 'OPTIONS') {
        // PUT, DELETE and the stream token: GraphQL over SSE's single-connection mode (/graphql/stream).
        res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
        res.setHeader('access-control-allow-headers', 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id, x-graphql-event-stream-token');
        res.setHeader('access-control-max-age', '600');
        res.status(204).end();
        return;
      }
    } else if (req.method === 'OPTIONS' && origin) {
      res.status(403).end();
      return;
    }
    next();
  };
}
