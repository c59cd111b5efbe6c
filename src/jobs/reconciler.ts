import type { SqlEntityManager } from '@mikro-orm/knex';
import type { JobsConfig } from '../config';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { Video } from '../modules/videos/video.entity';
import { TERMINAL_STATUSES, VideoStatus } from '../modules/videos/video.enums';
import { planFailed, planUpstreamState } from '../modules/videos/video.state';
import type { VideoTransitions } from '../modules/videos/video.transitions';
import { classifyUpstreamError } from '../upstream/errors';
import type { Upstreams } from '../upstream/upstreams';
import type { Task } from './task.entity';
import type { TaskOutcome } from './task-queue';
import { backoffMs } from './worker';

/** Tells whether someone is watching a video live (they get faster polling). */
export type WatchProbe = (videoId: string) => boolean;

/** Poll interval when nobody watches: quick at first, slower as a render drags on. */
export function pollDelayMs(sinceSubmitMs: number, watched: boolean): number {
  if (watched) return 1000;
  if (sinceSubmitMs < 30_000) return 1000;
  if (sinceSubmitMs < 120_000) return 3000;
  if (sinceSubmitMs < 600_000) return 10_000;
  return 30_000;
}

/**
 * Polls in-flight jobs (`video.poll` tasks): the safety net under webhooks, which may never
 * arrive. Uses the upstream's `openai-poll-after-ms` hint when given, polls faster for watched
 * jobs, and fails a job with the retryable UPSTREAM_TIMEOUT after `maxJobAgeSeconds`, so no job
 * hangs forever. A poll of a cancelled job only deletes its upstream copy.
 */
export class Reconciler {
  private watchProbe: WatchProbe = () => false;

  constructor(
    private readonly upstreams: Upstreams,
    private readonly transitions: VideoTransitions,
    private readonly config: JobsConfig,
    private readonly logger: Logger,
  ) {}

  /** Installs the probe that reports live watchers (the subscription layer provides it). */
  setWatchProbe(probe: WatchProbe): void {
    this.watchProbe = probe;
  }

  readonly handle = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const video = await em.findOne(Video, { id: task.subjectId });
    if (!video || !video.upstreamId) return { done: true };
    // A cancelled job's result is discarded: nothing about the row changes, only the upstream copy goes.
    if (video.status === VideoStatus.CANCELLED) {
      await this.discardUpstream(video);
      return { done: true };
    }
    if (TERMINAL_STATUSES.has(video.status)) return { done: true };
    // Upstream finished: custody owns the job from here.
    if (video.upstreamStatus === 'completed') return { done: true };

    const age = Date.now() - (video.submittedAt ?? video.createdAt).getTime();
    if (age > this.config.maxJobAgeSeconds * 1000) {
      await this.transitions.apply(em, video.id, (current) =>
        planFailed(current, {
          code: ErrorCode.UPSTREAM_TIMEOUT,
          message: `The video service did not finish this job within ${this.config.maxJobAgeSeconds} seconds. Submitting it again may succeed.`,
          retryable: true,
        }),
      );
      return { done: true };
    }

    let result;
    try {
      result = await this.upstreams.get(video.upstream).retrieve(video.upstreamId);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (!failure.retryable) {
        await this.transitions.apply(em, video.id, (current) => planFailed(current, { code: failure.error.code, message: failure.error.message, retryable: false }));
        return { done: true };
      }
      this.logger.warn({ videoId: video.id, code: failure.error.code }, 'polling the upstream failed; will retry');
      return { retryInMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(task.attempts, 1000, 60_000)), error: failure.error.message };
    }
    const updated = await this.transitions.apply(em, video.id, (current) => planUpstreamState(current, result.video));
    if (!updated || TERMINAL_STATUSES.has(updated.status) || updated.upstreamStatus === 'completed') return { done: true };
    return { retryInMs: result.pollAfterMs ?? pollDelayMs(age, this.watchProbe(video.id)), healthy: true };
  };

  /**
   * Best effort: deletes the upstream copy of a cancelled job. The upstream refuses while it is
   * still rendering; its completion webhook schedules another poll, which tries again. Whatever
   * remains expires upstream on its own.
   */
  private async discardUpstream(video: Video): Promise<void> {
    try {
      await this.upstreams.get(video.upstream).delete(video.upstreamId as string);
      this.logger.info({ videoId: video.id }, 'deleted the upstream copy of a cancelled video');
    } catch (error) {
      this.logger.info({ videoId: video.id, code: classifyUpstreamError(error).error.code }, 'upstream copy of a cancelled video not deleted (still rendering or gone)');
    }
  }
}
