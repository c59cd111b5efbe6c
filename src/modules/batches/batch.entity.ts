import { Entity, Enum, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { IdempotentRecord } from '../../db/idempotent';
import { ulid } from '../../ids';

/** How a batch's items reach the upstream. */
export enum BatchMode {
  /** Items are submitted one by one at a bounded pace: per-item progress, results as they come. */
  IMMEDIATE = 'IMMEDIATE',
  /** One upstream Batch API job (JSONL in, JSONL out, 24 h window, separate rate limits). */
  OFFLINE = 'OFFLINE',
}

/** Lifecycle of a batch (the upstream Batch API's statuses). */
export enum BatchStatus {
  VALIDATING = 'VALIDATING',
  IN_PROGRESS = 'IN_PROGRESS',
  FINALIZING = 'FINALIZING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLING = 'CANCELLING',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}

/** Batch statuses after which nothing changes. */
export const TERMINAL_BATCH_STATUSES: ReadonlySet<BatchStatus> = new Set([BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.CANCELLED, BatchStatus.EXPIRED]);

/**
 * A bulk operation. Its items are Video rows carrying `batchId` and `customId`, so every item has
 * its own status, progress, error and stored assets, and the counts are always the item rows'.
 */
@Entity({ tableName: 'batch' })
@Unique({ name: 'batch_tenant_idempotency_unique', properties: ['tenantId', 'idempotencyKey'] })
export class Batch extends IdempotentRecord {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Enum({ items: () => BatchMode })
  mode!: BatchMode;

  @Enum({ items: () => BatchStatus })
  status: BatchStatus & Opt = BatchStatus.VALIDATING;

  @Property()
  total!: number;

  @Property({ length: 64 })
  upstream!: string;

  /** The client's key/value labels (at most 16; keys ≤ 64 chars, values ≤ 512). */
  @Property({ type: 'json', nullable: true })
  metadata?: Record<string, string> | null;

  /** OFFLINE: the upstream batch id. */
  @Property({ type: 'string', length: 255, nullable: true })
  upstreamBatchId?: string | null;

  /** The status to end in once every item has settled (set by cancel, or by the upstream batch's end). */
  @Enum({ items: () => BatchStatus, nullable: true })
  outcome?: BatchStatus | null;

  @Property({ type: 'string', length: 64, nullable: true })
  errorCode?: string | null;

  @Property({ type: 'text', nullable: true })
  errorMessage?: string | null;

  /** Storage key of the JSONL export of results, written when the batch ends. */
  @Property({ type: 'string', length: 255, nullable: true })
  exportKey?: string | null;

  @Property()
  version: number & Opt = 1;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  cancelledAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;
}
