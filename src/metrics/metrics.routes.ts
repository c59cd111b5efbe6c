import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import { clientAddress, isLoopbackAddress } from '../http/client-address';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';

/** Whether a request may read `/metrics`: the bearer token when one is configured, else a loopback client (behind a loopback proxy, the forwarded client). */
export function metricsAccess(req: IncomingMessage, token: string | undefined): 'ok' | 'unauthorized' | 'forbidden' {
  if (token) {
    const sent = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(sent);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b) ? 'ok' : 'unauthorized';
  }
  return isLoopbackAddress(clientAddress(req)) ? 'ok' : 'forbidden';
}

/** Route label of a path: a fixed set, so request paths (media tokens, typos) cannot create series. */
export function routeLabel(path: string): string {
  const first = /^\/[^/?#]*/.exec(path)?.[0] ?? '/';
  switch (first) {
    case '/graphql':
    case '/uploads':
    case '/media':
    case '/webhooks':
    case '/healthz':
    case '/readyz':
    case '/metrics':
      return first;
    default:
      return 'other';
  }
}

/** Middleware: one observation per finished request (or per request the client abandoned, as 499). */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      metrics.observeHttp(routeLabel(req.originalUrl), res.headersSent ? res.statusCode : 499, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}

/** `GET /metrics`: Prometheus text format; 401 without the configured token, 403 for non-loopback clients when there is none. */
export function metricsRoutes(metrics: Metrics, token: string | undefined, logger: Logger) {
  return (app: Express): void => {
    app.get('/metrics', async (req: Request, res: Response) => {
      const access = metricsAccess(req, token);
      if (access === 'unauthorized') {
        res.status(401).set('www-authenticate', 'Bearer').json({ error: { code: 'UNAUTHENTICATED', message: 'Send Authorization: Bearer <METRICS_TOKEN> to read /metrics.' } });
        return;
      }
      if (access === 'forbidden') {
        res.status(403).json({ error: { code: 'FORBIDDEN', message: '/metrics answers loopback clients only; set METRICS_TOKEN to scrape it from elsewhere with a bearer token.' } });
        return;
      }
      try {
        const { contentType, body } = await metrics.scrape();
        res.status(200).type(contentType).send(body);
      } catch (err) {
        logger.error({ err }, 'collecting metrics failed');
        res.status(503).json({ error: { code: 'UNAVAILABLE', message: 'Metrics could not be collected; try again.' } });
      }
    });
  };
}
