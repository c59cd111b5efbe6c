import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, groupedByKey } from '../../graphql/batch-loaders';
import { Video } from './video.entity';
import { createTimingLoader } from './video.timings';

/** Batched video lookups: a page of N videos resolves each relation in one query, whatever N is. */
export function createVideoLoaders(em: SqlEntityManager) {
  return {
    videoById: byKey<string, Video>((ids) => em.find(Video, { id: { $in: ids } }), (v) => v.id),
    /** Videos made from each video (remix, edit, extension), newest first. */
    derivativesBySource: groupedByKey<string, Video>(
      (ids) => em.find(Video, { source: { $in: ids } }, { orderBy: { id: 'desc' } }),
      (v) => v.source!.id,
    ),
    /** New attempts at each FAILED video (`retryVideo`), newest first. */
    retriesByOriginal: groupedByKey<string, Video>(
      (ids) => em.find(Video, { retryOf: { $in: ids } }, { orderBy: { id: 'desc' } }),
      (v) => v.retryOf!.id,
    ),
    /** Render statistics per job shape, for `estimatedCompletionAt`. */
    renderStatsByShape: createTimingLoader(em),
  };
}
