import type { Request, Response } from 'express';
import type { Viewer } from '../graphql/context';
import type { Logger } from '../logger';

/**
 * The path as it may be logged: no query string (GET /graphql carries variables there, and any
 * signed link its signature), and the signed token of a `/media/<token>/<name>` URL masked, since
 * the token alone grants the file.
 */
export function loggablePath(url: string): string {
  const pathname = url.split(/[?#]/, 1)[0] ?? '';
  return pathname.replace(/^\/media\/[^/]+/, '/media/[token]');
}

/**
 * Writes one JSON line when `res` is done (sent, or the client went away): method, path without
 * secrets, status, duration, request id, tenant and, on /graphql, the operation name. Headers are
 * never logged (they carry the API key).
 */
export function accessLog(logger: Logger, req: Request, res: Response): void {
  const started = process.hrtime.bigint();
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const viewer = res.locals.viewer as Viewer | undefined;
    logger.info(
      {
        access: true,
        method: req.method,
        path: loggablePath(req.originalUrl),
        status: res.headersSent ? res.statusCode : 499,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        reqId: res.locals.requestId as string,
        tenantId: viewer?.tenantId,
        operationName: res.locals.operationName as string | undefined,
      },
      'request',
    );
  };
  res.once('finish', write);
  res.once('close', write);
}
