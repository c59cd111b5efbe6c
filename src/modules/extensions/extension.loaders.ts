import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, groupedByKey } from '../../graphql/batch-loaders';
import { Extension } from './extension.entity';

/** Batched extension lookups. */
export function createExtensionLoaders(em: SqlEntityManager) {
  return {
    /** The extension that produced each video (undefined for videos that are not extensions). */
    extensionByVideo: byKey<string, Extension>((ids) => em.find(Extension, { video: { $in: ids } }), (e) => e.video.id),
    /** Extensions made directly from each video. */
    extensionsBySource: groupedByKey<string, Extension>(
      (ids) => em.find(Extension, { source: { $in: ids } }, { orderBy: { id: 'asc' } }),
      (e) => e.source.id,
    ),
  };
}
