import type { SqlEntityManager } from '@mikro-orm/knex';
import { byKey, groupedByKey } from '../../graphql/batch-loaders';
import { Character } from './character.entity';
import { VideoCharacter } from './video-character.entity';

/** Batched character lookups. */
export function createCharacterLoaders(em: SqlEntityManager) {
  return {
    characterById: byKey<string, Character>((ids) => em.find(Character, { id: { $in: ids } }), (c) => c.id),
    /** The characters of each video, in the order the client listed them (one query with a join). */
    charactersByVideo: groupedByKey<string, VideoCharacter>(
      (ids) => em.find(VideoCharacter, { video: { $in: ids } }, { populate: ['character'], orderBy: { position: 'asc' } }),
      (link) => link.video.id,
    ),
  };
}
