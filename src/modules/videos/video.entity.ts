import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { IdempotentRecord } from '../../db/idempotent';
import { ulid } from '../../ids';
import { Upload } from '../uploads/upload.entity';
import { VideoOperation, VideoStatus } from './video.enums';

/**
 * One video job: the durable ledger row. Follow-up calls (poll, custody, remix) read the upstream
 * id from here and never parse ids.
 *
 * `version` increases with every state change; transitions compare-and-set on it, so two sources
 * (webhook and reconciler) racing cannot both apply.
 */
@Entity({ tableName: 'video' })
@Unique({ name: 'video_tenant_idempotency_unique', properties: ['tenantId', 'idempotencyKey'] })
@Index({ name: 'video_tenant_status_index', properties: ['tenantId', 'status'] })
@Index({ name: 'video_batch_status_index', properties: ['batchId', 'status'] })
@Unique({ name: 'video_batch_custom_id_unique', properties: ['batchId', 'customId'] })
// Observed render times of recent jobs of one shape (estimatedCompletionAt).
@Index({ name: 'video_timing_index', properties: ['tenantId', 'status', 'resolvedModel', 'size', 'seconds', 'completedAt'] })
export class Video extends IdempotentRecord {
  /** ULID: sorts by creation time, so newest-first paging is `ORDER BY id DESC`. */
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Enum({ items: () => VideoStatus })
  status: VideoStatus & Opt = VideoStatus.PENDING;

  /** 0..100; monotonic. Held at 99 while assets are copied into custody. */
  @Property()
  progress: number & Opt = 0;

  @Property({ type: 'text' })
  prompt!: string;

  /** The model the client asked for (an alias such as `sora-2`, or a snapshot). */
  @Property({ length: 100 })
  model!: string;

  /** The snapshot that runs the job, resolved when it was accepted. */
  @Property({ type: 'string', length: 100, nullable: true })
  resolvedModel?: string;

  /** Name of the upstream (from the catalog) the job was sent to. */
  @Property({ length: 64 })
  upstream!: string;

  /** `WIDTHxHEIGHT`, as the upstream spells it. */
  @Property({ length: 16 })
  size!: string;

  @Property()
  seconds!: number;

  @Enum({ items: () => VideoOperation })
  operation: VideoOperation & Opt = VideoOperation.CREATE;

  /** The video this one was derived from (remix, edit, extension); null for a fresh create. */
  @ManyToOne(() => Video, { nullable: true, ref: true, deleteRule: 'set null', index: true })
  source?: Ref<Video> | null;

  /** The FAILED video this one submits again (`retryVideo`); null otherwise. */
  @ManyToOne(() => Video, { nullable: true, ref: true, deleteRule: 'set null', index: true })
  retryOf?: Ref<Video> | null;

  /** First frame the client supplied (an image upload of exactly `size`). */
  @ManyToOne(() => Upload, { nullable: true, ref: true })
  inputReference?: Ref<Upload> | null;

  /** Batch this video is an item of. */
  @Property({ type: 'string', length: 26, nullable: true })
  batchId?: string | null;

  /** The client's id for this item within its batch (unique per batch). */
  @Property({ type: 'string', length: 255, nullable: true })
  customId?: string | null;

  /** Storyboard this video is a scene of; its completion advances the storyboard. */
  @Index()
  @Property({ type: 'string', length: 26, nullable: true })
  storyboardId?: string | null;

  /** The upstream's id once submitted. Opaque: gateways rewrite it. */
  @Index()
  @Property({ type: 'string', length: 255, nullable: true })
  upstreamId?: string | null;

  /** Last status the upstream reported (`queued`, `in_progress`, `completed`, `failed`). */
  @Property({ type: 'string', length: 32, nullable: true })
  upstreamStatus?: string | null;

  /** When the upstream deletes its copy of the assets. Custody must finish before. */
  @Property({ type: 'datetime', nullable: true })
  upstreamExpiresAt?: Date | null;

  @Property({ type: 'string', length: 64, nullable: true })
  errorCode?: string | null;

  @Property({ type: 'text', nullable: true })
  errorMessage?: string | null;

  /** Whether submitting the same input again may succeed (timeouts, outages) or not (policy, bad input). */
  @Property({ type: 'boolean', nullable: true })
  errorRetryable?: boolean | null;

  /** Dollars, from the catalog price per second at the time the job was accepted. */
  @Property({ type: 'double', nullable: true })
  estimatedCost?: number | null;

  /** Storage keys of the assets in custody; set by the custody step. */
  @Property({ type: 'string', length: 255, nullable: true })
  videoKey?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  thumbnailKey?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  spritesheetKey?: string | null;

  @Property({ type: 'integer', nullable: true })
  videoBytes?: number | null;

  /**
   * True when the job was cancelled after the video service had accepted it: the upstream renders
   * (and bills) it anyway, so its estimated cost stays charged. False for every other job.
   */
  @Property()
  cancelledAfterSubmit: boolean & Opt = false;

  @Property()
  version: number & Opt = 1;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  submittedAt?: Date | null;

  /** When Reelgraph first saw the video service rendering the job (upstream `in_progress`). */
  @Property({ type: 'datetime', nullable: true })
  startedAt?: Date | null;

  /** When the job reached COMPLETED, FAILED or CANCELLED. */
  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;
}
