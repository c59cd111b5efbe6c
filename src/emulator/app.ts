/**
 * The express app: request ids, admin routes, latency/auth/fault middleware, the API routes under
 * both `/v1` and bare paths, and the error envelope for everything that goes wrong.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { bearerAuth, heldResponses, injectedLatency, requestFaults } from './auth';
import type { EmulatorContext } from './context';
import { ApiError, invalidUrl, serverError } from './errors';
import { requestId } from './ids';
import { adminRouter } from './routes/admin';
import { batchesRouter } from './routes/batches';
import { charactersRouter } from './routes/characters';
import { filesRouter } from './routes/files';
import { moderationsRouter } from './routes/moderations';
import { videosRouter } from './routes/videos';

/** Errors raised by express/send carry an HTTP status (and sometimes headers). */
interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  code?: string;
}

/** Maps anything thrown to an {@link ApiError}. */
function toApiError(err: unknown, ctx: EmulatorContext): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as HttpishError;
  const status = e?.status ?? e?.statusCode;
  if (status === 416) {
    return new ApiError(416, 'Requested range not satisfiable.', 'invalid_request_error', null, 'range_not_satisfiable', e.headers ?? {});
  }
  if (status === 404 && e.code === 'ENOENT') {
    return new ApiError(404, 'The requested content is no longer available.', 'invalid_request_error', null, 'not_found');
  }
  if (status && status >= 400 && status < 500) {
    return new ApiError(status, e.message || 'Bad request.', 'invalid_request_error');
  }
  ctx.opts.logger.error('unhandled error:', e?.stack ?? String(err));
  return serverError();
}

/** Builds the express app for one emulator instance. */
export function createApp(ctx: EmulatorContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((_req, res, next) => {
    const id = requestId();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    res.setHeader('openai-version', '2020-10-01');
    next();
  });

  app.use('/_emulator', adminRouter(ctx));

  app.use(injectedLatency(ctx.faults));
  app.use(bearerAuth(ctx.opts.apiKey));
  app.use(requestFaults(ctx.faults, ctx.opts.rpm));
  app.use(heldResponses(ctx.faults));

  const api = express.Router();
  // Characters first: GET /videos/characters/:id must not be read as a video id.
  api.use(charactersRouter(ctx));
  api.use(videosRouter(ctx));
  api.use(filesRouter(ctx));
  api.use(batchesRouter(ctx));
  api.use(moderationsRouter(ctx));
  app.use('/v1', api);
  app.use(api);

  app.use((req: Request, _res: Response, next: NextFunction) => next(invalidUrl(req.method, req.originalUrl.split('?')[0])));

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const apiErr = toApiError(err, ctx);
    if (res.headersSent) {
      // A stream failed mid-body: the only honest signal left is to cut the connection.
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(apiErr.headers)) res.setHeader(k, v);
    res.removeHeader('Content-Disposition');
    res.status(apiErr.status).type('application/json').send(JSON.stringify(apiErr.toEnvelope()));
  });

  return app;
}
