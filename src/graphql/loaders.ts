import type { SqlEntityManager } from '@mikro-orm/knex';
import { createBatchLoaders } from '../modules/batches/batch.loaders';
import { createCharacterLoaders } from '../modules/characters/character.loaders';
import { createExtensionLoaders } from '../modules/extensions/extension.loaders';
import { createStoryboardLoaders } from '../modules/storyboards/storyboard.loaders';
import { createVideoLoaders } from '../modules/videos/video.loaders';

/** All DataLoaders of one request; each feature contributes its own. */
export function createLoaders(em: SqlEntityManager) {
  return {
    ...createVideoLoaders(em),
    ...createCharacterLoaders(em),
    ...createExtensionLoaders(em),
    ...createStoryboardLoaders(em),
    ...createBatchLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
