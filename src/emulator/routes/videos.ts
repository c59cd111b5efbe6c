/**
 * `/videos` routes: create, list, retrieve, delete, content, remix, edits, extensions.
 */
import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { toVideoObject } from '../store';
import { listResponse, param, queryValue, withBody } from './util';

/** Content-Type per variant (contract §2.5). */
const CONTENT_TYPES = { video: 'video/mp4', thumbnail: 'image/webp', spritesheet: 'image/jpeg' } as const;

/** Routes for video jobs. Mount after the character routes (`/videos/characters/...`). */
export function videosRouter(ctx: EmulatorContext): Router {
  const r = Router();
  const { videos, idempotency } = ctx;

  r.post('/videos', async (req, res) => {
    const v = await withBody(ctx, req, ['json', 'multipart'], (p) =>
      idempotency.run(req, 'create', p.body, (claim) => videos.create(p.body, p.kind === 'multipart', { kind: 'create', idempotency: claim })),
    );
    res.json(toVideoObject(v));
  });

  r.get('/videos', (req, res) => {
    const page = videos.list({ after: queryValue(req, 'after'), limit: queryValue(req, 'limit'), order: queryValue(req, 'order') });
    listResponse(res, page.data.map(toVideoObject), page.has_more);
  });

  r.post('/videos/edits', async (req, res) => {
    const v = await withBody(ctx, req, ['json', 'multipart'], (p) => idempotency.run(req, 'edit', p.body, (claim) => videos.edit(p.body, claim)));
    res.json(toVideoObject(v));
  });

  r.post('/videos/extensions', async (req, res) => {
    const v = await withBody(ctx, req, ['json', 'multipart'], (p) => idempotency.run(req, 'extend', p.body, (claim) => videos.extend(p.body, claim)));
    res.json(toVideoObject(v));
  });

  r.get('/videos/:id', (req, res) => {
    const v = videos.get(param(req, 'id'));
    // openai-python's poll() honours this hint.
    if (v.status === 'queued' || v.status === 'in_progress') res.setHeader('openai-poll-after-ms', String(ctx.opts.timing.pollAfterMs));
    res.json(toVideoObject(v));
  });

  r.delete('/videos/:id', async (req, res) => {
    const id = param(req, 'id');
    await videos.delete(id);
    res.json({ id, object: 'video.deleted', deleted: true });
  });

  r.get('/videos/:id/content', async (req, res) => {
    const { file, variant } = await videos.contentPath(param(req, 'id'), queryValue(req, 'variant'));
    res.type(CONTENT_TYPES[variant]);
    await new Promise<void>((resolve, reject) => {
      // send handles Range (206 + Content-Range, 416) and HEAD.
      res.sendFile(file, { dotfiles: 'allow', acceptRanges: true, cacheControl: false, etag: false, lastModified: false }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  });

  r.post('/videos/:id/remix', async (req, res) => {
    const id = param(req, 'id');
    const v = await withBody(ctx, req, ['json', 'multipart'], (p) => idempotency.run(req, `remix ${id}`, p.body, (claim) => videos.remix(id, p.body, claim)));
    res.json(toVideoObject(v));
  });

  return r;
}
