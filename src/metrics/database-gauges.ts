import type { Database } from '../db/orm';
import type { DatabaseGauges } from './metrics';

/** The scrape-time reads of {@link Metrics}: one GROUP BY over videos, one aggregate over the task queue, on a fresh fork each. */
export function databaseGauges(db: Database): DatabaseGauges {
  const execute = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await db.orm.em.fork().getConnection().execute(sql, params, 'all')) as T[];
  return {
    async jobs() {
      const rows = await execute<{ status: string; model: string; count: number | string }>('select status, model, count(*) as count from video group by status, model');
      return rows.map((r) => ({ status: r.status, model: r.model, count: Number(r.count) }));
    },
    async queue() {
      const now = Date.now();
      const due = 'run_at <= ? and (lease_until is null or lease_until < ?)';
      const [row] = await execute<{ total: number | string; due: number | string | null; oldest: number | string | null }>(
        `select count(*) as total, sum(case when ${due} then 1 else 0 end) as due, min(case when ${due} then run_at end) as oldest from task`,
        [now, now, now, now],
      );
      return { total: Number(row?.total ?? 0), due: Number(row?.due ?? 0), oldestDueAt: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
    },
  };
}
