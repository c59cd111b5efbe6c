import type { Express } from 'express';

/** One dependency the readiness probe checks. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy; rejects (with a short reason) when not. */
  check(): Promise<void>;
}

/**
 * `/healthz`: the process is alive (always 200 while it serves requests).
 * `/readyz`: every dependency answered (database, upstream); 503 with the failing ones otherwise,
 * so a load balancer only routes to instances that can do work.
 */
export function healthRoutes(checks: ReadinessCheck[], timeoutMs = 3000) {
  return (app: Express): void => {
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            await withTimeout(check(), timeoutMs);
            return { name, ok: true as const };
          } catch (error) {
            return { name, ok: false as const, reason: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const ready = results.every((r) => r.ok);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: results });
    });
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
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
