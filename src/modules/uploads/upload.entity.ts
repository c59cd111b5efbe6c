import { Entity, Enum, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantScoped } from '../../db/tenant-scoped';
import { ulid } from '../../ids';

/** What an upload holds, decided from its bytes (never from its file name). */
export enum UploadKind {
  IMAGE = 'IMAGE',
  VIDEO = 'VIDEO',
  /** JSON Lines: one batch item per line. */
  JSONL = 'JSONL',
}

/**
 * A file a client uploaded for later use by a mutation (a character's source clip, a reference
 * image). Unused uploads expire; once a mutation uses one it is kept with what it made.
 */
@Entity({ tableName: 'upload' })
export class Upload extends TenantScoped {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Enum({ items: () => UploadKind })
  kind!: UploadKind;

  /** `image/png`, `image/jpeg`, `image/webp` or `video/mp4`, from the content. */
  @Property({ length: 64 })
  contentType!: string;

  /** The name the client gave the file; informational only. */
  @Property({ length: 255 })
  filename!: string;

  @Property()
  bytes!: number;

  @Property()
  width!: number;

  @Property()
  height!: number;

  /** Seconds, for videos. */
  @Property({ type: 'double', nullable: true })
  durationSeconds?: number | null;

  @Property({ length: 255 })
  storageKey!: string;

  @Property()
  createdAt: Date & Opt = new Date();

  /** When an unused upload is deleted. */
  @Property()
  expiresAt!: Date;

  /** When a mutation first used it; used uploads do not expire. */
  @Property({ type: 'datetime', nullable: true })
  usedAt?: Date | null;
}
