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

/**
 * Gives a long-lived (subscription) context a fresh EntityManager and loaders before each event,
 * so relations are read as they are now, not as they were when the subscription began, and the
 * identity map does not grow for the life of the connection.
 */
export function renewForEvent(ctx: { em: SqlEntityManager; loaders: Loaders }): void {
  ctx.em = ctx.em.fork({ clear: true });
  ctx.loaders = createLoaders(ctx.em);
}
