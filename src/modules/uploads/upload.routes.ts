import type { Express, Request, Response } from 'express';
import type { Viewer } from '../../graphql/context';
import { ORIGIN_REFUSED_MESSAGE, type OriginPolicy } from '../../http/origin';
import type { Logger } from '../../logger';
import { asRejection, type UploadService } from './upload.service';

/**
 * `POST /uploads` (multipart/form-data, one part named `file`): 201 with the upload's id, kind,
 * type and dimensions; 413 over the size limit, 415 for content that is not a supported image or
 * MP4 video, 400 for a malformed request, 403 from a browser page whose Origin may not use the
 * API (a multipart POST needs no CORS preflight, so any site could otherwise post through a
 * developer's keyless local server). Errors are JSON: `{"error":{"code","message"}}`.
 */
export function uploadRoutes(service: UploadService, origins: OriginPolicy, logger: Logger) {
  return (app: Express): void => {
    app.post('/uploads', async (req: Request, res: Response) => {
      if (!origins.allows(req.header('origin'))) {
        logger.warn({ origin: req.header('origin') }, 'upload refused: origin not allowed');
        refuseBeforeBody(req, res, 403, { error: { code: 'FORBIDDEN', message: ORIGIN_REFUSED_MESSAGE } });
        return;
      }
      // The request guard authenticated the caller (401 before reaching here otherwise).
      const viewer = res.locals.viewer as Viewer;
      try {
        res.status(201).json(await service.receive(viewer, req));
      } catch (error) {
        const rejection = asRejection(error);
        if (!rejection) {
          logger.error({ err: error }, 'upload failed');
          res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'The upload failed; retry later.' } });
          return;
        }
        // The body may not have been read to the end (a refused oversized upload): close the connection.
        res.setHeader('connection', 'close');
        res.status(rejection.status).json({ error: { code: rejection.code, message: rejection.message, field: 'file' } });
      }
    });
  };
}

/** A refused body up to this size is read (and discarded) before the answer; a larger one is not. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/**
 * Answers a request refused before its body was read. A client may still be writing the body
 * when the answer comes; if the connection closed under it, it would see a broken pipe instead of
 * the answer (Node 24's fetch does). So a small declared body is read to its end first (the body
 * timeouts bound how long that takes), and anything larger or of unknown length closes the
 * connection after the answer rather than be read.
 */
function refuseBeforeBody(req: Request, res: Response, status: number, body: unknown): void {
  const length = Number(req.headers['content-length']);
  const send = () => {
    if (!res.headersSent) res.status(status).json(body);
  };
  if (Number.isFinite(length) && length <= DRAIN_LIMIT_BYTES && !req.complete) {
    req.once('end', send);
    req.once('error', () => res.destroy());
    req.resume();
    return;
  }
  res.setHeader('connection', 'close');
  send();
}
