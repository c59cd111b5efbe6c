import type { SqlEntityManager } from '@mikro-orm/knex';
import DataLoader from 'dataloader';
import { Video } from './video.entity';

/** Batches video lookups by id: a page of N videos resolves all its `source` fields in one query. */
export function createVideoLoaders(em: SqlEntityManager) {
  return {
    videoById: new DataLoader<string, Video | undefined>(async (ids) => {
      const rows = await em.find(Video, { id: { $in: [...ids] } });
      const byId = new Map(rows.map((v) => [v.id, v]));
      return ids.map((id) => byId.get(id));
    }),
  };
}
