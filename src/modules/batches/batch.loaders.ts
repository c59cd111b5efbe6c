import type { SqlEntityManager } from '@mikro-orm/knex';
import DataLoader from 'dataloader';
import { byKey, groupedByKey } from '../../graphql/batch-loaders';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import { Batch } from './batch.entity';
import { batchCounts, type BatchCounts } from './batch.counts';

/** Batched batch lookups: a page of batches costs one query per field, whatever its size. */
export function createBatchLoaders(em: SqlEntityManager) {
  return {
    batchById: byKey<string, Batch>((ids) => em.find(Batch, { id: { $in: ids } }), (b) => b.id),
    countsByBatch: new DataLoader<string, BatchCounts>(async (ids) => {
      const counts = await batchCounts(em, ids);
      return ids.map((id) => counts.get(id) as BatchCounts);
    }),
    /** Failed items of each batch, in item order. */
    failedItemsByBatch: groupedByKey<string, Video>(
      (ids) => em.find(Video, { batchId: { $in: ids }, status: VideoStatus.FAILED }, { orderBy: { id: 'asc' } }),
      (v) => v.batchId as string,
    ),
  };
}
