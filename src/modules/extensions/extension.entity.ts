import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { TenantScoped } from '../../db/tenant-scoped';
import { ulid } from '../../ids';
import { Video } from '../videos/video.entity';

/** Upstream limits of an extension chain. */
export const MAX_EXTENSIONS = 6;
export const MAX_CHAIN_SECONDS = 120;

/**
 * One continuation of a finished video: `video` is the stitched whole (source + new segment), so
 * its duration is `totalSeconds`. Extensions of extensions form a chain from `root`, at most
 * {@link MAX_EXTENSIONS} long and {@link MAX_CHAIN_SECONDS} in total.
 */
@Entity({ tableName: 'extension' })
@Index({ name: 'extension_source_index', properties: ['source'] })
export class Extension extends TenantScoped {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  /** Position in the chain: 1 for the first extension of the root. */
  @Property()
  index!: number;

  @Property({ type: 'text' })
  prompt!: string;

  /** Length of the new segment. */
  @Property()
  seconds!: number;

  /** Length of the stitched result. */
  @Property()
  totalSeconds!: number;

  @ManyToOne(() => Video, { ref: true, deleteRule: 'cascade' })
  source!: Ref<Video>;

  /** The resulting video (operation EXTEND). */
  @ManyToOne(() => Video, { ref: true, unique: true, deleteRule: 'cascade' })
  video!: Ref<Video>;

  /** First video of the chain. */
  @ManyToOne(() => Video, { ref: true, deleteRule: 'cascade', index: true })
  root!: Ref<Video>;

  @Property()
  createdAt: Date & Opt = new Date();
}
