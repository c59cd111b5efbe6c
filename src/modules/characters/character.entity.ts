import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { IdempotentRecord } from '../../db/idempotent';
import { ulid } from '../../ids';
import { Upload } from '../uploads/upload.entity';

/**
 * A reusable subject (an animal, a mascot, an object) registered upstream from a short clip.
 * Videos reference it by id and must name it verbatim in the prompt.
 */
@Entity({ tableName: 'character' })
@Unique({ name: 'character_tenant_idempotency_unique', properties: ['tenantId', 'idempotencyKey'] })
export class Character extends IdempotentRecord {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Property({ length: 80 })
  name!: string;

  /** Upstream the character lives on; videos using it must go to the same one. */
  @Property({ length: 64 })
  upstream!: string;

  @Property({ length: 255 })
  upstreamId!: string;

  /** The clip it was made from. */
  @ManyToOne(() => Upload, { ref: true })
  sourceClip!: Ref<Upload>;

  @Property({ type: 'string', length: 255, nullable: true })
  thumbnailKey?: string | null;

  @Property()
  createdAt: Date & Opt = new Date();
}
