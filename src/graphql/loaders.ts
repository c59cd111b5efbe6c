import type { SqlEntityManager } from '@mikro-orm/knex';
import { createVideoLoaders } from '../modules/videos/video.loaders';

/** All DataLoaders of one request; each feature contributes its own. */
export function createLoaders(em: SqlEntityManager) {
  return {
    ...createVideoLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
