import { type EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';

/** Item counts of a batch, always computed from the item rows themselves. */
export interface BatchCounts {
  total: number;
  /** Not yet sent upstream. */
  pending: number;
  /** With the upstream (queued or rendering) or being copied into storage. */
  inProgress: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Sum of the items' estimated cost in dollars; null when some item has no known price. */
  estimatedCost: number | null;
}

const EMPTY: BatchCounts = { total: 0, pending: 0, inProgress: 0, completed: 0, failed: 0, cancelled: 0, estimatedCost: 0 };

/**
 * Counts items per batch and status with one GROUP BY over the item rows (indexed by batch and
 * status), for any number of batches: counts cannot drift from the items they describe. Callers
 * pass ids of batches they already loaded for the viewer, which is what scopes this query.
 */
export async function batchCounts(em: EntityManager, batchIds: readonly string[]): Promise<Map<string, BatchCounts>> {
  const rows: { batch_id: string; status: VideoStatus; n: number | string; cost: number | string | null; unpriced: number | string }[] = await (em as SqlEntityManager)
    .createQueryBuilder(Video)
    .select(['batchId', 'status'])
    .addSelect(raw('count(*) as n'))
    .addSelect(raw('sum(estimated_cost) as cost'))
    .addSelect(raw('sum(case when estimated_cost is null then 1 else 0 end) as unpriced'))
    .where({ batchId: { $in: [...batchIds] } })
    .groupBy(['batchId', 'status'])
    .execute('all', false);
  const counts = new Map<string, BatchCounts>(batchIds.map((id) => [id, { ...EMPTY }]));
  for (const row of rows) {
    const entry = counts.get(row.batch_id);
    if (!entry) continue;
    const n = Number(row.n);
    entry.total += n;
    entry.estimatedCost = entry.estimatedCost === null || Number(row.unpriced) > 0 ? null : Math.round((entry.estimatedCost + Number(row.cost ?? 0)) * 10_000) / 10_000;
    switch (row.status) {
      case VideoStatus.PENDING:
        entry.pending += n;
        break;
      case VideoStatus.QUEUED:
      case VideoStatus.IN_PROGRESS:
        entry.inProgress += n;
        break;
      case VideoStatus.COMPLETED:
        entry.completed += n;
        break;
      case VideoStatus.FAILED:
        entry.failed += n;
        break;
      case VideoStatus.CANCELLED:
        entry.cancelled += n;
        break;
    }
  }
  return counts;
}
