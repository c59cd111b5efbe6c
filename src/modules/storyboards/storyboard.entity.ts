import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { IdempotentRecord } from '../../db/idempotent';
import { TenantScoped } from '../../db/tenant-scoped';
import { ulid } from '../../ids';
import { Video } from '../videos/video.entity';

/** Lifecycle of a storyboard. */
export enum StoryboardStatus {
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/**
 * A piece planned scene by scene. Scene 1 is rendered as a video, each later scene as an
 * extension of the previous result, so the final video is one continuous clip.
 */
@Entity({ tableName: 'storyboard' })
@Unique({ name: 'storyboard_tenant_idempotency_unique', properties: ['tenantId', 'idempotencyKey'] })
export class Storyboard extends IdempotentRecord {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Enum({ items: () => StoryboardStatus })
  status: StoryboardStatus & Opt = StoryboardStatus.IN_PROGRESS;

  @Property({ length: 100 })
  model!: string;

  @Property({ length: 16 })
  size!: string;

  @Property()
  sceneCount!: number;

  @Property()
  totalSeconds!: number;

  /** 1-based index of the scene being rendered (the last one once finished). */
  @Property()
  currentScene: number & Opt = 1;

  @ManyToOne(() => Video, { ref: true, nullable: true, deleteRule: 'set null' })
  finalVideo?: Ref<Video> | null;

  @Property({ type: 'string', length: 64, nullable: true })
  errorCode?: string | null;

  @Property({ type: 'text', nullable: true })
  errorMessage?: string | null;

  @Property()
  version: number & Opt = 1;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;
}

/** One scene: its prompt and length, and the video that renders the piece up to and including it. */
@Entity({ tableName: 'storyboard_scene' })
@Index({ name: 'storyboard_scene_order_index', properties: ['storyboard', 'index'] })
export class StoryboardScene extends TenantScoped {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @ManyToOne(() => Storyboard, { ref: true, deleteRule: 'cascade' })
  storyboard!: Ref<Storyboard>;

  /** 1-based. */
  @Property()
  index!: number;

  @Property({ type: 'text' })
  prompt!: string;

  @Property()
  seconds!: number;

  @ManyToOne(() => Video, { ref: true, nullable: true, deleteRule: 'set null' })
  video?: Ref<Video> | null;
}
