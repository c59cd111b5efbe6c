import { BigIntType, Entity, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { ulid } from '../ids';

/**
 * A unit of durable background work: "submit video X", "poll video X", "copy the assets of X".
 *
 * Rows are written in the same transaction as the state that needs them, so work is never lost
 * across a crash. A worker claims due rows by setting a lease (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL), so with several instances each task runs in one process at a time; a worker that
 * dies loses its lease when it expires and another instance takes over.
 */
@Entity({ tableName: 'task' })
@Unique({ name: 'task_kind_subject_unique', properties: ['kind', 'subjectId'] })
@Index({ name: 'task_due_index', properties: ['runAt'] })
export class Task {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  /** Handler name, e.g. `video.submit`. */
  @Property({ length: 64 })
  kind!: string;

  /** Id of the row the task works on. One task per (kind, subject). */
  @Property({ length: 64 })
  subjectId!: string;

  @Property({ length: 26 })
  tenantId!: string;

  /** Epoch milliseconds at which the task is due. */
  @Property({ type: new BigIntType('number') })
  runAt!: number;

  /** Times the task has been claimed; handlers use it for backoff and give-up decisions. */
  @Property()
  attempts: number & Opt = 0;

  @Property({ type: 'string', length: 64, nullable: true })
  leaseOwner?: string | null;

  @Property({ type: new BigIntType('number'), nullable: true })
  leaseUntil?: number | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property()
  createdAt: Date & Opt = new Date();
}
