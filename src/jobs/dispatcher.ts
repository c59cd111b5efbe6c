import type { SqlEntityManager } from '@mikro-orm/knex';
import type { JobsConfig } from '../config';
import type { Logger } from '../logger';
import { Video } from '../modules/videos/video.entity';
import { type VideoOperation, VideoStatus } from '../modules/videos/video.enums';
import { jobErrorFromAppError, planFailed, planSubmitted } from '../modules/videos/video.state';
import type { VideoTransitions } from '../modules/videos/video.transitions';
import { classifyUpstreamError, type UpstreamFailure } from '../upstream/errors';
import type { UpstreamVideo } from '../upstream/upstream-video';
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
    private readonly config: JobsConfig,
    private readonly logger: Logger,
  ) {}

  /** Lets a feature define how its operation is sent upstream (e.g. extensions, characters). */
  registerSubmitter(operation: VideoOperation, submitter: Submitter): void {
    this.submitters.set(operation, submitter);
  }

  /** Makes one upstream attempt for a PENDING video and records the result if it succeeded. */
  async submit(em: SqlEntityManager, videoId: string): Promise<SubmitResult> {
    const video = await em.fork({ clear: true }).findOne(Video, { id: videoId });
    if (!video || video.status !== VideoStatus.PENDING) return { kind: 'skipped', video: video ?? undefined };
    const submitter = this.submitters.get(video.operation);
    if (!submitter) throw new Error(`no submitter for ${video.operation}`);
    let upstream: UpstreamVideo;
    try {
      upstream = await submitter(video, em);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      this.logger.warn({ videoId, code: failure.error.code, retryable: failure.retryable }, 'upstream submission failed');
      return { kind: 'failed', failure };
    }
    const updated = await this.transitions.apply(em, videoId, (current) => planSubmitted(current, upstream));
    return updated ? { kind: 'submitted', video: updated } : { kind: 'skipped', video: undefined };
  }

  /** `video.submit` task handler: retries transient failures with backoff, then fails the job. */
  readonly handle = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const result = await this.submit(em, task.subjectId);
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
