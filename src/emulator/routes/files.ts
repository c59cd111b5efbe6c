/**
 * `/files` routes: upload, retrieve, content.
 */
import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { createFile, getFile, toFileObject } from '../files';
import { param, withBody } from './util';

/** File routes (used for batch input/output and `input_reference.file_id`). */
export function filesRouter(ctx: EmulatorContext): Router {
  const r = Router();
  const { store } = ctx;

  r.post('/files', async (req, res) => {
    const f = await withBody(ctx, req, ['multipart'], ({ body }) => createFile(store, body));
    res.json(toFileObject(f));
  });

  r.get('/files/:id', (req, res) => {
    res.json(toFileObject(getFile(store, param(req, 'id'))));
  });

  r.get('/files/:id/content', async (req, res) => {
    const f = getFile(store, param(req, 'id'));
    res.type(f.contentType);
    await new Promise<void>((resolve, reject) => {
      res.sendFile(store.filePath(f.id), { dotfiles: 'allow', cacheControl: false, etag: false, lastModified: false }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  });

  return r;
}
