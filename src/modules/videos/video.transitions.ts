import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { TaskQueue } from '../../jobs/task-queue';
import type { Logger } from '../../logger';
import { Video } from './video.entity';
import type { TransitionPlan } from './video.state';

/** What hooks produced inside a transition's transaction, handed to listeners after commit. */
export interface TransitionEffects {
  /** Cursor of the event-log entry recorded for the change. */
  eventSeq?: number;
  /** Outbound webhook deliveries recorded for the change (the worker is woken to send them). */
  outboundDeliveries?: number;
}

/** Runs inside the transition's transaction after the row changed (e.g. to append to the event log). */
export type TransitionHook = (tx: EntityManager, before: Video, after: Video, effects: TransitionEffects) => Promise<void>;

/** Told about a committed change (publishes it to subscribers). */
export type ChangeListener = (video: Video, effects: TransitionEffects) => void;

/** Attempts before a compare-and-set loop gives up; only reached under pathological contention. */
const MAX_CAS_ATTEMPTS = 8;

/**
 * The one transition function for videos. Every source (mutation, webhook, reconciler, custody,
 * batch results) describes a change as a plan computed from the CURRENT row, and this applies it
 * with compare-and-set on `version`: if another source changed the row in between, the plan is
 * recomputed from the newer row, so two racing sources can never both win and a stale report can
 * never move a job backwards. Follow-up tasks are recorded in the same transaction; listeners hear
 * of the change only after it committed, and only when something really changed.
 */
export class VideoTransitions {
  private readonly hooks: TransitionHook[] = [];
  private readonly listeners: ChangeListener[] = [];

  constructor(
    private readonly queue: TaskQueue,
    private readonly logger: Logger,
  ) {}

  /** Adds work done inside every transition's transaction. */
  addHook(hook: TransitionHook): void {
    this.hooks.push(hook);
  }

  /** Adds a listener called after every committed change. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Applies `plan(current)` to the video. Returns the row after the change, or the current row when
   * the plan had nothing to do, or undefined when the video does not exist (for this em's tenant).
   */
  async apply(em: SqlEntityManager, videoId: string, plan: (current: Video) => TransitionPlan | null): Promise<Video | undefined> {
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const fork = em.fork({ clear: true });
      const current = await fork.findOne(Video, { id: videoId });
      if (!current) return undefined;
      const next = plan(current);
      if (!next) return current;

      // Hooks and listeners get detached copies: the managed row must stay untouched, or the
      // transaction's automatic flush would write it a second time without the version check.
      const before = detach(current);
      const after = Object.assign(detach(current), next.patch, { version: current.version + 1, updatedAt: new Date() });
      const effects: TransitionEffects = {};
      const committed = await fork.transactional(async (tx) => {
        const updated = await tx.nativeUpdate(
          Video,
          { id: videoId, version: current.version },
          { ...next.patch, version: after.version, updatedAt: after.updatedAt },
        );
        if (updated === 0) return false;
        for (const spec of next.schedule ?? []) await this.queue.schedule(tx, spec);
        for (const hook of this.hooks) await hook(tx, before, after, effects);
        return true;
      });
      if (committed) {
        this.notify(after, effects);
        return after;
      }
      this.logger.debug({ videoId, attempt }, 'video changed concurrently; recomputing transition');
    }
    throw new Error(`video ${videoId}: transition lost ${MAX_CAS_ATTEMPTS} compare-and-set races in a row`);
  }

  /**
   * Records and announces a row written outside `apply` (a job inserted PENDING whose submission
   * is deferred), so the event log and subscribers see it like any other change.
   */
  async announce(em: SqlEntityManager, video: Video): Promise<void> {
    const effects: TransitionEffects = {};
    const snapshot = detach(video);
    await em.fork({ clear: true }).transactional(async (tx) => {
      for (const hook of this.hooks) await hook(tx, snapshot, snapshot, effects);
    });
    this.notify(snapshot, effects);
  }

  private notify(video: Video, effects: TransitionEffects): void {
    for (const listener of this.listeners) {
      try {
        listener(video, effects);
      } catch (error) {
        this.logger.error({ err: error, videoId: video.id }, 'video change listener failed');
      }
    }
  }
}

/** A detached copy of a row's state (own enumerable properties; the ORM's helper is not one). */
export function detach(video: Video): Video {
  return Object.assign(Object.create(Video.prototype) as Video, video);
}
