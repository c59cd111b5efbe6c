import type { MikroORM } from '@mikro-orm/core';
import { forkForWorkers } from '../db/tenant-scoped';
import type { Logger } from '../logger';
import type { TaskQueue } from './task-queue';

/** Options of {@link LeaseKeeper}. */
export interface LeaseKeeperOptions {
  /** How often held leases are extended; well under the lease so one slow beat does not lose them. */
  heartbeatMs: number;
  logger: Logger;
}

/**
 * The heartbeat behind short task leases: while this process lives, every lease it holds (worker
 * tasks and inline submissions alike) is extended every `heartbeatMs`. When the process dies the
 * heartbeat dies with it, so its tasks are free again one lease later (seconds, not minutes) for
 * another instance or the restarted one. Stop it last, after the worker and the HTTP drain, so
 * work finishing during shutdown keeps its leases.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private beat: Promise<void> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: TaskQueue,
    private readonly options: LeaseKeeperOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // One beat at a time: a database slower than the heartbeat must not pile renewals up.
      this.beat ??= this.renew().finally(() => (this.beat = undefined));
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Stops the heartbeat and waits for a renewal in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beat;
  }

  private async renew(): Promise<void> {
    try {
      await this.queue.renewLeases(forkForWorkers(this.orm));
    } catch (error) {
      // The next beat tries again; a lease lost meanwhile only means another instance may take the task.
      this.options.logger.warn({ err: error, held: this.queue.heldCount }, 'renewing task leases failed');
    }
  }
}
