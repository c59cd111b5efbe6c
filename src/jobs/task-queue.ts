import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { ulid } from '../ids';
import { Task } from './task.entity';

/**
 * What a handler asks the queue to do with its task afterwards. `healthy: true` on a retry means
 * the run went fine (a poll that found the job still rendering), so the attempt counter, which
 * drives error backoff, starts again from zero.
 */
export type TaskOutcome = { done: true } | { retryInMs: number; error?: string; healthy?: boolean };

/** Options of {@link TaskQueue}. */
export interface TaskQueueOptions {
  /** Identifies this process in `lease_owner`; unique per instance. */
  owner: string;
  /**
   * How long a claim holds before another instance may take the task over (`JOBS_LEASE_MS`). Short,
   * so a crashed process's work moves on within seconds; live work is renewed by a `LeaseKeeper`.
   */
  leaseMs: number;
  /** PostgreSQL claims add `FOR UPDATE SKIP LOCKED`; SQLite serialises writers anyway. */
  dialect: 'sqlite' | 'postgresql';
}

/** A new task; `runAt` defaults to now. */
export interface TaskSpec {
  kind: string;
  subjectId: string;
  tenantId: string;
  runAt?: number;
}

/**
 * The durable work queue behind every background job.
 *
 * Tasks are rows (see {@link Task}); `schedule` joins the caller's transaction so the work is
 * recorded atomically with the state change that needs it. `claimDue` leases due rows with a
 * single UPDATE … RETURNING, which on PostgreSQL skips rows other instances hold.
 */
export class TaskQueue {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly dialect: 'sqlite' | 'postgresql';
  /** Tasks this process holds a lease on, with when it took them (see {@link renewLeases}). */
  private readonly held = new Map<string, number>();

  constructor(options: TaskQueueOptions) {
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.dialect = options.dialect;
  }

  /** Number of leases this process currently renews. */
  get heldCount(): number {
    return this.held.size;
  }

  /**
   * Records (or moves) the task for `(kind, subjectId)` in `em`'s transaction. An existing task is
   * moved to the new `runAt`; if a worker holds it, the worker sees the change when it finishes and
   * keeps the task instead of deleting it.
   */
  async schedule(em: EntityManager, spec: TaskSpec): Promise<void> {
    await em.upsert(
      Task,
      { id: ulid(), kind: spec.kind, subjectId: spec.subjectId, tenantId: spec.tenantId, runAt: spec.runAt ?? Date.now(), createdAt: new Date() },
      { onConflictFields: ['kind', 'subjectId'], onConflictAction: 'merge', onConflictMergeFields: ['runAt'] },
    );
  }

  /**
   * Records the task for `(kind, subjectId)` unless one is already waiting: repeated calls within
   * `delayMs` coalesce into one run (a throttle). If the task is running right now, it is moved
   * to run again after `delayMs`, so the change that prompted the call is not missed.
   */
  async scheduleCoalesced(em: EntityManager, spec: Omit<TaskSpec, 'runAt'>, delayMs: number): Promise<void> {
    const runAt = Date.now() + delayMs;
    await em.upsert(
      Task,
      { id: ulid(), kind: spec.kind, subjectId: spec.subjectId, tenantId: spec.tenantId, runAt, createdAt: new Date() },
      {
        onConflictFields: ['kind', 'subjectId'],
        onConflictAction: 'merge',
        onConflictMergeFields: ['runAt'],
        onConflictWhere: { leaseOwner: { $ne: null } },
      },
    );
  }

  /**
   * Inserts a task already leased by this process, for work the caller is about to do inline (a
   * mutation submitting its own job). Other instances leave it alone until the lease expires.
   */
  leased(em: EntityManager, spec: TaskSpec): Task {
    const now = Date.now();
    const task = em.create(Task, {
      kind: spec.kind,
      subjectId: spec.subjectId,
      tenantId: spec.tenantId,
      runAt: spec.runAt ?? now,
      attempts: 1,
      leaseOwner: this.owner,
      leaseUntil: now + this.leaseMs,
    });
    this.held.set(task.id, now);
    return task;
  }

  /** Leases up to `limit` due tasks, oldest due first. */
  async claimDue(em: SqlEntityManager, limit: number, kinds?: readonly string[]): Promise<Task[]> {
    const now = Date.now();
    const kindFilter = kinds && kinds.length > 0 ? ` and kind in (${kinds.map(() => '?').join(', ')})` : '';
    const lock = this.dialect === 'postgresql' ? ' for update skip locked' : '';
    const sql =
      `update task set lease_owner = ?, lease_until = ?, attempts = attempts + 1 where id in (` +
      `select id from task where run_at <= ? and (lease_until is null or lease_until < ?)${kindFilter} ` +
      `order by run_at limit ?${lock}) returning *`;
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(
      sql,
      [this.owner, now + this.leaseMs, now, now, ...(kinds ?? []), limit],
      'all',
    );
    const tasks = rows.map((row) => em.map(Task, row));
    for (const task of tasks) this.held.set(task.id, now);
    return tasks;
  }

  /**
   * Extends every lease this process holds (the heartbeat). A lease that was not renewed because
   * its row is gone (finished and deleted by another path, or taken over after a stall) is
   * forgotten, but only once it is older than a lease: an inline task is leased before its row is
   * committed, and must not be forgotten in that gap.
   */
  async renewLeases(em: SqlEntityManager): Promise<number> {
    if (this.held.size === 0) return 0;
    const now = Date.now();
    const ids = [...this.held.keys()];
    const rows = await em
      .getConnection()
      .execute<{ id: string }[]>(
        `update task set lease_until = ? where lease_owner = ? and id in (${ids.map(() => '?').join(', ')}) returning id`,
        [now + this.leaseMs, this.owner, ...ids],
        'all',
      );
    const renewed = new Set(rows.map((row) => row.id));
    for (const id of ids) {
      const since = this.held.get(id);
      if (!renewed.has(id) && since !== undefined && since < now - this.leaseMs) this.held.delete(id);
    }
    return renewed.size;
  }

  /**
   * Deletes a finished task, unless it was rescheduled while it ran (then it only drops the lease,
   * so the new request is not lost).
   */
  async complete(em: SqlEntityManager, task: Task): Promise<void> {
    const conn = em.getConnection();
    const deleted = await conn.execute(
      'delete from task where id = ? and lease_owner = ? and run_at = ?',
      [task.id, this.owner, task.runAt],
      'run',
    );
    if (affected(deleted) === 0) await this.release(em, task);
    else this.held.delete(task.id);
  }

  /** Puts the task back to run again in `delayMs`, keeping an earlier time someone else asked for. */
  async retry(em: SqlEntityManager, task: Task, delayMs: number, error?: string, healthy = false): Promise<void> {
    const runAt = Date.now() + Math.max(0, delayMs);
    await em
      .getConnection()
      .execute(
        'update task set run_at = case when run_at <> ? and run_at < ? then run_at else ? end, lease_owner = null, lease_until = null, ' +
          'last_error = ?, attempts = case when ? then 0 else attempts end where id = ? and lease_owner = ?',
        [task.runAt, runAt, runAt, error ?? null, healthy, task.id, this.owner],
        'run',
      );
    this.held.delete(task.id);
  }

  /** Drops this process's lease so the task can run again as soon as it is due. */
  async release(em: SqlEntityManager, task: Task): Promise<void> {
    await em
      .getConnection()
      .execute('update task set lease_owner = null, lease_until = null where id = ? and lease_owner = ?', [task.id, this.owner], 'run');
    this.held.delete(task.id);
  }

  /** Removes every task of a subject (the subject was deleted). */
  async cancelAll(em: EntityManager, subjectId: string): Promise<void> {
    await em.nativeDelete(Task, { subjectId });
  }
}

function affected(result: unknown): number {
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}
