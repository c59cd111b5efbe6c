import type { Express } from 'express';
import type { Logger } from '../logger';

/** One dependency the readiness probe checks. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects (with a short reason) when not. */
  check(): Promise<void>;
}

/** What `/readyz` says about one dependency: generic words only, never the dependency's own error text. */
export type CheckState = 'ok' | 'failing' | 'timeout';

/** Body of `/readyz`. */
export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: Record<string, CheckState>;
}

/**
 * `/readyz` needs no key (load balancers call it), so each anonymous request must not cost a
 * database query and an upstream call: requests during a probe share it, and a ready answer is
 * reused this long. A failing one is not, so recovery shows at the next request.
 */
const REUSE_READY_MS = 1000;

/**
 * `/healthz`: the process is alive (always 200 while it serves requests).
 * `/readyz`: every dependency answered (database, upstream); 503 naming the failing ones otherwise,
 * so a load balancer only routes to instances that can do work. The raw error (host names, driver
 * messages) goes to the log at warn, once each time a dependency changes state, not to the caller.
 */
export function healthRoutes(checks: ReadinessCheck[], logger: Logger, timeoutMs = 3000) {
  const last = new Map<string, CheckState>();
  const run = async (): Promise<Readiness> => {
    const states = await Promise.all(
      checks.map(async ({ name, check }): Promise<[string, CheckState]> => {
        let state: CheckState = 'ok';
        let reason: string | undefined;
        try {
          await withTimeout(check(), timeoutMs);
        } catch (error) {
          state = error instanceof ProbeTimeout ? 'timeout' : 'failing';
          reason = error instanceof Error ? error.message : String(error);
        }
        const before = last.get(name) ?? 'ok';
        last.set(name, state);
        if (state !== before && state === 'ok') logger.info({ dependency: name, was: before }, 'readiness: dependency recovered');
        else if (state !== before) logger.warn({ dependency: name, state, reason }, 'readiness: dependency not ready');
        return [name, state];
      }),
    );
    const ready = states.every(([, state]) => state === 'ok');
    return { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(states) };
  };

  let probe: { done?: number; result: Promise<Readiness> } | undefined;
  const current = (): Promise<Readiness> => {
    const reusable = probe && (probe.done === undefined || Date.now() - probe.done <= REUSE_READY_MS);
    if (probe && reusable) return probe.result;
    const started: { done?: number; result: Promise<Readiness> } = { result: run() };
    void started.result.then((readiness) => {
      // Only a ready answer is kept; a failing one is dropped as soon as it has been given.
      if (readiness.status === 'ready') started.done = Date.now();
      else if (probe === started) probe = undefined;
    });
    probe = started;
    return started.result;
  };

  return (app: Express): void => {
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const readiness = await current();
      res.setHeader('cache-control', 'no-store');
      res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
    });
  };
}

class ProbeTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
