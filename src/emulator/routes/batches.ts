/**
 * `/batches` routes: create, list, retrieve, cancel.
 */
import { Router } from 'express';
import type { EmulatorContext } from '../context';
import { parseLimit } from '../videos';
import { listResponse, param, queryValue, withBody } from './util';

/** Batch routes (only the `/v1/videos` endpoint is supported). */
export function batchesRouter(ctx: EmulatorContext): Router {
  const r = Router();
  const { batches } = ctx;

  r.post('/batches', async (req, res) => {
    res.json(await withBody(ctx, req, ['json'], ({ body }) => batches.create(body)));
  });

  r.get('/batches', (req, res) => {
    const page = batches.list(queryValue(req, 'after'), parseLimit(queryValue(req, 'limit')));
    listResponse(res, page.data, page.has_more);
  });

  r.get('/batches/:id', (req, res) => {
    res.json(batches.get(param(req, 'id')));
  });

  r.post('/batches/:id/cancel', (req, res) => {
    res.json(batches.cancel(param(req, 'id')));
  });

  return r;
}
