import path from 'node:path';
import type { Express, Request, Response } from 'express';
import type { LocalStorage } from '../storage/local-storage';
import type { MediaSigner } from '../storage/media-signer';

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.jsonl': 'application/jsonl',
};

const INVALID = 'This media URL is not valid.';

/** A refusal: JSON error, never cached (a fresh URL must not meet a cached 403). */
function refuse(res: Response, status: 403 | 404, code: 'FORBIDDEN' | 'NOT_FOUND', message: string): void {
  res.setHeader('cache-control', 'no-store');
  res.status(status).json({ error: { code, message } });
}

/**
 * `GET /media/<token>/<name>`: serves a stored asset when the token's signature and expiry check
 * out (403 otherwise, before storage is touched). Range requests get 206 with Content-Range, so
 * `<video>` can seek. Serving reads no database row: the signed token names the file.
 *
 * Caching: a URL is the same for a while (see MediaUrls), so browsers may keep the bytes, but only
 * privately (the URL is a bearer link) and never past the URL's own expiry. ETag and Last-Modified
 * let a client revalidate with a 304 instead of downloading again.
 */
export function mediaRoutes(storage: LocalStorage, signer: MediaSigner) {
  return (app: Express): void => {
    app.get('/media/:token/:name', (req: Request, res: Response) => {
      const now = Math.floor(Date.now() / 1000);
      const verdict = signer.verify(String(req.params.token), now);
      if ('refused' in verdict) {
        refuse(res, 403, 'FORBIDDEN', verdict.refused === 'expired' ? 'This media URL has expired; ask the API for a fresh downloadUrl.' : INVALID);
        return;
      }
      const { grant } = verdict;
      if (!grant.k.startsWith(`${grant.t}/`)) {
        refuse(res, 403, 'FORBIDDEN', INVALID);
        return;
      }
      const file = storage.pathOf(grant.k);
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.sendFile(
        file,
        {
          headers: { 'content-type': type, 'cache-control': `private, max-age=${Math.max(0, grant.e - now)}`, 'x-content-type-options': 'nosniff' },
          acceptRanges: true,
          etag: true,
          lastModified: true,
          dotfiles: 'deny',
        },
        (error) => {
          if (!error || res.headersSent) return;
          refuse(res, 404, 'NOT_FOUND', 'This media no longer exists (the video may have been deleted).');
        },
      );
    });
    // Anything else under /media (a token with a `/`, a missing name) is a malformed URL, not a missing route.
    app.get('/media{/*rest}', (_req: Request, res: Response) => refuse(res, 403, 'FORBIDDEN', INVALID));
  };
}
