import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { forkForWorkers } from '../db/tenant-scoped';
import type { Logger } from '../logger';
import type { Task } from './task.entity';
import type { TaskOutcome, TaskQueue } from './task-queue';

/** Runs one kind of task. `em` is a fresh fork with the tenant filter off (workers serve every tenant). */
export type TaskHandler = (task: Task, em: SqlEntityManager) => Promise<TaskOutcome>;

/** Options of {@link Worker}. */
export interface WorkerOptions {
  /** Tasks run at once. Default 4. */
  concurrency: number;
  /** Sleep between polls when nothing is due. `kick()` cuts it short. */
  idlePollMs: number;
  logger: Logger;
}

/** Backoff after a handler throws: 1 s, 2 s, 4 s … capped at 5 min. */
export function backoffMs(attempts: number, baseMs = 1000, capMs = 300_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Pulls due tasks from the {@link TaskQueue} and runs their handlers with bounded concurrency.
 * `stop()` stops claiming and waits for the tasks in flight, so shutdown never cuts a write short.
 */
export class Worker {
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: TaskQueue,
    private readonly options: WorkerOptions,
  ) {}

  /** Registers the handler for a task kind. */
  register(kind: string, handler: TaskHandler): void {
    this.handlers.set(kind, handler);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Looks for due work now instead of at the next idle poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.options.concurrency - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const em = this.forkEm();
          const tasks = await this.queue.claimDue(em, free, [...this.handlers.keys()]);
          claimed = tasks.length;
          for (const task of tasks) this.track(this.execute(task));
        } catch (error) {
          this.options.logger.error({ err: error }, 'claiming tasks failed');
        }
      }
      if (!this.running) break;
      // Claim again at once while there is work and room; otherwise sleep until kicked or idle time passes.
      if (claimed > 0 && claimed === free) continue;
      await this.sleep(free > 0 ? this.options.idlePollMs : 50);
    }
  }

  private track(promise: Promise<void>): void {
    this.inFlight.add(promise);
    void promise.finally(() => {
      this.inFlight.delete(promise);
      this.wake?.();
    });
  }

  private async execute(task: Task): Promise<void> {
    const handler = this.handlers.get(task.kind);
    const em = this.forkEm();
    if (!handler) {
      await this.queue.retry(em, task, 60_000, `no handler for ${task.kind}`);
      return;
    }
    let outcome: TaskOutcome;
    try {
      outcome = await handler(task, em);
    } catch (error) {
      const delay = backoffMs(task.attempts);
      this.options.logger.warn({ err: error, task: task.kind, subjectId: task.subjectId, retryInMs: delay }, 'task failed; will retry');
      outcome = { retryInMs: delay, error: error instanceof Error ? error.message : String(error) };
    }
    await this.settle(task, outcome);
  }

  /** Records a task's outcome: deleted when done, else put back with its retry time. */
  async settle(task: Task, outcome: TaskOutcome): Promise<void> {
    try {
      const em = this.forkEm();
      if ('done' in outcome) await this.queue.complete(em, task);
      else await this.queue.retry(em, task, outcome.retryInMs, outcome.error, outcome.healthy);
    } catch (error) {
      // The lease expires on its own, so the task is retried later; nothing is lost.
      this.options.logger.error({ err: error, task: task.kind, subjectId: task.subjectId }, 'could not record task outcome');
    }
  }

  private forkEm(): SqlEntityManager {
    return forkForWorkers(this.orm);
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        this.kicked = false;
        done();
      };
    });
  }
}
