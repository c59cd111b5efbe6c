import type http from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** How long clients may take to send a request (the `HTTP_*_TIMEOUT_MS` and `UPLOAD_TIMEOUT_MS` settings). */
export interface HttpTimeouts {
  /** Request line and headers. */
  headersMs: number;
  /** Body of every request but an upload, counted from its headers. */
  requestMs: number;
  /** Longest silence within any body. */
  bodyIdleMs: number;
  /** Idle kept-alive connection. */
  keepAliveMs: number;
  /** Body of `POST /uploads`, counted from its headers. */
  uploadMs: number;
}

/** The route whose bodies may take {@link HttpTimeouts.uploadMs}. */
const UPLOADS = '/uploads';
/** `res.locals` flag of a request {@link bodyTimeouts} answered. */
const CUT = 'bodyTimedOut';

/**
 * True when {@link bodyTimeouts} already answered this request with 408: the route still running
 * for it will fail to respond, which is expected and not worth an error log.
 */
export function cutByBodyTimeout(res: Response): boolean {
  return res.locals[CUT] === true;
}

/** http.Server options for {@link HttpTimeouts}. */
export function serverTimeouts(t: HttpTimeouts): http.ServerOptions {
  return {
    headersTimeout: t.headersMs,
    // Only a backstop: bodyTimeouts() gives each route its own, shorter deadline. Node counts this
    // one from the first byte of the request, so it leaves room for the headers too.
    requestTimeout: t.headersMs + Math.max(t.requestMs, t.uploadMs) + 1000,
    keepAliveTimeout: t.keepAliveMs,
    // Node checks the two deadlines above on this period; its default of 30 s would let a 10 s
    // headers timeout run to 40 s.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.headersMs / 5))),
  };
}

/**
 * Cuts off request bodies that stall or trickle: 408 with the route's JSON error, then the
 * connection is closed (the rest of the body is never read).
 *
 * Why per route and not only Node's `requestTimeout`: that is one deadline for every request on
 * the server. Sized for a 50 MiB upload on a slow link, it lets a 1 KB GraphQL body trickle in for
 * minutes; sized for GraphQL, it kills honest uploads. So each body gets a total deadline that
 * fits its route (short for JSON, long for uploads) plus an idle timeout on the socket, which
 * stops a stalled body within seconds on any route, while an upload that keeps sending may use
 * its whole, longer deadline. Node's own `requestTimeout` stays as the backstop above them all.
 */
export function bodyTimeouts(t: HttpTimeouts): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // Bodiless requests (GET) and bodies that arrived with the headers are complete already.
    if (req.complete) return next();
    // Decided now: routers mounted on a path rewrite req.url while they run.
    const path = req.path;
    const totalMs = path === UPLOADS ? t.uploadMs : t.requestMs;
    const socket = req.socket;
    const done = () => {
      clearTimeout(total);
      req.off('timeout', onIdle).off('end', done).off('close', done);
      socket.off('close', done);
      // Back to no idle limit: the response may take a while to compute, and Node sets its own
      // keep-alive timeout once the response is sent.
      if (!socket.destroyed) socket.setTimeout(0);
    };
    const cut = (message: string) => {
      done();
      res.locals[CUT] = true;
      if (res.headersSent) {
        socket.destroy();
        return;
      }
      res.setHeader('connection', 'close');
      res.status(408);
      if (path === '/graphql') res.json({ errors: [{ message, extensions: { code: 'REQUEST_TIMEOUT' } }] });
      else res.json({ error: { code: 'REQUEST_TIMEOUT', message } });
    };
    const total = setTimeout(() => cut(`The request body did not arrive within ${seconds(totalMs)}; send it faster, or smaller.`), totalMs);
    const onIdle = () => cut(`The request body stalled: nothing arrived for ${seconds(t.bodyIdleMs)}.`);
    // The socket's idle timer counts only reads here: nothing is written before the body is in.
    req.setTimeout(t.bodyIdleMs, onIdle);
    total.unref();
    req.once('end', done);
    req.once('close', done);
    // A request answered before its body was read (a refused upload) may never end or close;
    // its connection does.
    socket.once('close', done);
    next();
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
