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

/**
 * `GET /media/<token>/<name>`: serves a stored asset when the token's signature and expiry check
 * out (403 otherwise). Range requests get 206 with Content-Range, so `<video>` can seek.
 * Serving reads no database row: the signed token names the file.
 */
export function mediaRoutes(storage: LocalStorage, signer: MediaSigner) {
  return (app: Express): void => {
    app.get('/media/:token/:name', (req: Request, res: Response) => {
      const verdict = signer.verify(String(req.params.token));
      if ('refused' in verdict) {
        res.status(403).json({ error: { code: 'FORBIDDEN', message: verdict.refused === 'expired' ? 'This media URL has expired; ask the API for a fresh downloadUrl.' : 'This media URL is not valid.' } });
        return;
      }
      const { grant } = verdict;
      if (!grant.k.startsWith(`${grant.t}/`)) {
        res.status(403).json({ error: { code: 'FORBIDDEN', message: 'This media URL is not valid.' } });
        return;
      }
      const file = storage.pathOf(grant.k);
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.sendFile(
        file,
        {
          headers: { 'content-type': type, 'cache-control': 'private, max-age=300', 'x-content-type-options': 'nosniff' },
          acceptRanges: true,
          dotfiles: 'deny',
        },
        (error) => {
          if (!error || res.headersSent) return;
          res.status(404).json({ error: { code: 'NOT_FOUND', message: 'This media no longer exists (the video may have been deleted).' } });
        },
      );
    });
  };
}
