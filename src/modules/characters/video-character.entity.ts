import { Entity, Index, ManyToOne, PrimaryKeyProp, Property, type Ref } from '@mikro-orm/core';
import { TenantScoped } from '../../db/tenant-scoped';
import { Video } from '../videos/video.entity';
import { Character } from './character.entity';

/** A character appearing in a video (at most two per video, in the order the client gave). */
@Entity({ tableName: 'video_character' })
@Index({ name: 'video_character_character_index', properties: ['character', 'video'] })
export class VideoCharacter extends TenantScoped {
  [PrimaryKeyProp]?: ['video', 'character'];

  @ManyToOne(() => Video, { ref: true, primary: true, deleteRule: 'cascade' })
  video!: Ref<Video>;

  @ManyToOne(() => Character, { ref: true, primary: true })
  character!: Ref<Character>;

  @Property()
  position!: number;
}
