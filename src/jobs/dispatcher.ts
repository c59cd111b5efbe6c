import type { SqlEntityManager } from '@mikro-orm/knex';
import type { JobsConfig } from '../config';
import type { Logger } from '../logger';
import { Video } from '../modules/videos/video.entity';
import { type VideoOperation, VideoStatus } from '../modules/videos/video.enums';
import { jobErrorFromAppError, planFailed, planSubmitted } from '../modules/videos/video.state';
import type { VideoTransitions } from '../modules/videos/video.transitions';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream/errors';
import type { Upstreams } from '../upstream/upstreams';
import type { UpstreamVideo } from '../upstream/upstream-video';
import { findSubmitted } from './recovery';
import type { Task } from './task.entity';
import type { TaskOutcome } from './task-queue';
import { backoffMs } from './worker';

/** Result of one submission attempt. */
export type SubmitResult =
  | { kind: 'submitted'; video: Video }
  | { kind: 'skipped'; video: Video | undefined }
  | { kind: 'failed'; failure: UpstreamFailure };

/** Prepares the upstream call for a video (operations register how they submit). */
export type Submitter = (video: Video, em: SqlEntityManager) => Promise<UpstreamVideo>;

/**
 * Submits PENDING jobs upstream (`video.submit` tasks). Each operation registers how it is sent
 * (`registerSubmitter`); the dispatcher owns attempts, backoff and the terminal error. A mutation
 * calls {@link submit} inline so the client sees QUEUED (or the upstream's refusal) at once; the
 * worker runs the same code for jobs whose inline attempt failed transiently and for jobs left
 * PENDING by a restart.
 */
export class Dispatcher {
  private readonly submitters = new Map<VideoOperation, Submitter>();

  constructor(
    private readonly transitions: VideoTransitions,
    private readonly upstreams: Upstreams,
    private readonly config: JobsConfig,
    private readonly logger: Logger,
  ) {}

  /** Lets a feature define how its operation is sent upstream (e.g. extensions, characters). */
  registerSubmitter(operation: VideoOperation, submitter: Submitter): void {
    this.submitters.set(operation, submitter);
  }

  /**
   * Makes one upstream attempt for a PENDING video and records the result if it succeeded. With
   * `recovering` (an earlier attempt may have reached the upstream), the upstream is searched for
   * the job that attempt created before anything is sent again.
   */
  async submit(em: SqlEntityManager, videoId: string, recovering = false): Promise<SubmitResult> {
    const video = await em.fork({ clear: true }).findOne(Video, { id: videoId });
    if (!video || video.status !== VideoStatus.PENDING) return { kind: 'skipped', video: video ?? undefined };
    const submitter = this.submitters.get(video.operation);
    if (!submitter) throw new Error(`no submitter for ${video.operation}`);
    let upstream: UpstreamVideo;
    try {
      const found = recovering ? await this.lookUp(video, em) : undefined;
      if (found) this.logger.info({ videoId, upstreamId: found.id }, 'found the job an earlier attempt created upstream; not submitting again');
      upstream = found ?? (await submitter(video, em));
    } catch (error) {
      const failure = classifyUpstreamError(error);
      this.logger.warn({ videoId, code: failure.error.code, retryable: failure.retryable }, 'upstream submission failed');
      return { kind: 'failed', failure };
    }
    const updated = await this.transitions.apply(em, videoId, (current) => planSubmitted(current, upstream));
    return updated ? { kind: 'submitted', video: updated } : { kind: 'skipped', video: undefined };
  }

  /**
   * The upstream job an earlier attempt created, if any. An upstream that cannot list its jobs
   * (404/405 and other refusals) is sent the job again, relying on the idempotency key alone; a
   * transient failure of the search fails this attempt, so nothing is sent blind.
   */
  private async lookUp(video: Video, em: SqlEntityManager): Promise<UpstreamVideo | undefined> {
    try {
      return await findSubmitted(this.upstreams.get(video.upstream), video, em);
    } catch (error) {
      if (classifyUpstreamError(error).retryable) throw error;
      this.logger.warn({ videoId: video.id }, 'the upstream cannot list its jobs; resubmitting under the idempotency key');
      return undefined;
    }
  }

  /**
   * `video.submit` task handler: retries transient failures with backoff, then fails the job.
   * Every claim after the first (the inline attempt, a crashed process, an earlier retry) may
   * follow an attempt that reached the upstream, so it recovers before it resubmits.
   */
  readonly handle = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const result = await this.submit(em, task.subjectId, task.attempts > 1);
    if (result.kind !== 'failed') return { done: true };
    return this.afterFailure(em, task, result.failure);
  };

  /** Decides between another attempt and a terminal error, and records the latter. */
  async afterFailure(em: SqlEntityManager, task: Task, failure: UpstreamFailure): Promise<TaskOutcome> {
    if (failure.retryable && task.attempts < this.config.submitAttempts) {
      return { retryInMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(task.attempts)), error: failure.error.message };
    }
    await this.transitions.apply(em, task.subjectId, (current) => planFailed(current, jobErrorFromAppError(failure.error, failure.retryable)));
    return { done: true };
  }
}
