import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, groupedByKey } from '../../graphql/batch-loaders';
import { Storyboard, StoryboardScene } from './storyboard.entity';

/** Batched storyboard lookups. */
export function createStoryboardLoaders(em: SqlEntityManager) {
  return {
    storyboardById: byKey<string, Storyboard>((ids) => em.find(Storyboard, { id: { $in: ids } }), (s) => s.id),
    scenesByStoryboard: groupedByKey<string, StoryboardScene>(
      (ids) => em.find(StoryboardScene, { storyboard: { $in: ids } }, { orderBy: { storyboard: 'asc', index: 'asc' } }),
      (scene) => scene.storyboard.id,
    ),
  };
}
