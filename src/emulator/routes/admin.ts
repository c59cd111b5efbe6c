/**
 * `/_emulator/*` admin routes: fault control and the record. Loopback only; no API key.
 */
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { EmulatorContext } from '../context';
import { ApiError, invalidUrl } from '../errors';
import { FaultState } from '../faults';
import { withBody } from './util';

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, '');
  return a === '::1' || /^127\./.test(a);
}

function loopbackOnly(req: Request, _res: Response, next: NextFunction): void {
  if (isLoopback(req.socket.remoteAddress)) return next();
  next(new ApiError(403, 'Emulator admin routes are only available from loopback addresses.', 'invalid_request_error', null, 'forbidden'));
}

/** Admin router, mounted at `/_emulator`. */
export function adminRouter(ctx: EmulatorContext): Router {
  const r = Router();
  r.use(loopbackOnly);

  r.get('/faults', (_req, res) => {
    res.json(ctx.faults.get());
  });

  r.put('/faults', async (req, res) => {
    const faults = await withBody(ctx, req, ['json'], ({ body }) => ctx.faults.set(FaultState.validate(body)));
    res.json(faults);
  });

  r.delete('/faults', (_req, res) => {
    res.json(ctx.faults.clear());
  });

  r.get('/record', (_req, res) => {
    res.json({ object: 'list', data: ctx.record.entries() });
  });

  r.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  r.use((req, _res, next) => next(invalidUrl(req.method, req.originalUrl)));
  return r;
}
