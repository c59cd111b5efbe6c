import { AppError, ErrorCode } from '../../errors';
import type { TaskSpec } from '../../jobs/task-queue';
import { MODERATION_BLOCKED } from '../../upstream/errors';
import type { UpstreamStatus, UpstreamVideo } from '../../upstream/upstream-video';
import type { Video } from './video.entity';
import { STATUS_RANK, TERMINAL_STATUSES, VideoStatus } from './video.enums';

/** Task kinds of the video pipeline. */
export const VideoTask = {
  SUBMIT: 'video.submit',
  POLL: 'video.poll',
  CUSTODY: 'video.custody',
} as const;

/** Fields a transition may change. */
export type VideoPatch = Partial<
  Pick<
    Video,
    | 'status'
    | 'progress'
    | 'upstreamId'
    | 'upstreamStatus'
    | 'upstreamExpiresAt'
    | 'submittedAt'
    | 'startedAt'
    | 'completedAt'
    | 'cancelledAfterSubmit'
    | 'errorCode'
    | 'errorMessage'
    | 'errorRetryable'
    | 'videoKey'
    | 'thumbnailKey'
    | 'spritesheetKey'
    | 'videoBytes'
  >
>;

/** What a transition will do: the row change plus the follow-up work to record with it. */
export interface TransitionPlan {
  patch: VideoPatch;
  schedule?: TaskSpec[];
}

/** A job-level failure (not an API error): stored on the row and shown as `Video.error`. */
export interface JobError {
  code: string;
  message: string;
  retryable: boolean;
}

/** Progress shown while the upstream has finished but the assets are still being copied. */
export const CUSTODY_PROGRESS = 99;

const UPSTREAM_RANK: Record<UpstreamStatus, number> = { queued: 1, in_progress: 2, completed: 3, failed: 3 };

/** Delay before the first poll after a submission. */
export const FIRST_POLL_DELAY_MS = 1000;

function later(status: VideoStatus, candidate: VideoStatus): VideoStatus {
  return STATUS_RANK[candidate] > STATUS_RANK[status] ? candidate : status;
}

/** Keeps only the fields that differ from the current row; null when nothing changes. */
function diff(current: Video, patch: VideoPatch): VideoPatch | null {
  const changed: VideoPatch = {};
  for (const [key, value] of Object.entries(patch) as [keyof VideoPatch, unknown][]) {
    const before = current[key] as unknown;
    const same = before instanceof Date && value instanceof Date ? before.getTime() === value.getTime() : before === value;
    if (!same && !(before == null && value == null)) (changed as Record<string, unknown>)[key] = value;
  }
  return Object.keys(changed).length > 0 ? changed : null;
}

/** Maps the upstream's job error to Reelgraph's (moderation is final; anything else may pass on a retry). */
export function jobErrorFromUpstream(error: UpstreamVideo['error']): JobError {
  if (!error) return { code: ErrorCode.UPSTREAM_ERROR, message: 'The video service reported a failure without details.', retryable: true };
  if (error.code === MODERATION_BLOCKED) return { code: ErrorCode.CONTENT_POLICY_VIOLATION, message: error.message, retryable: false };
  return { code: ErrorCode.UPSTREAM_ERROR, message: `${error.message} (upstream code: ${error.code})`, retryable: true };
}

/** A job error from a classified API error. */
export function jobErrorFromAppError(error: AppError, retryable: boolean): JobError {
  return { code: error.code, message: error.message, retryable };
}

/**
 * Applies an upstream report to a row. Monotonic: a stale or duplicate report (a late
 * `in_progress` after `completed`) changes nothing, terminal rows never change, progress never
 * goes down. Upstream completion does not complete the job: it schedules custody, and the job
 * becomes COMPLETED only when the MP4 is stored.
 */
export function planUpstreamState(current: Video, upstream: UpstreamVideo, now: Date = new Date()): TransitionPlan | null {
  if (TERMINAL_STATUSES.has(current.status)) return null;
  const known = current.upstreamStatus ? (UPSTREAM_RANK[current.upstreamStatus as UpstreamStatus] ?? 0) : 0;
  const incoming = UPSTREAM_RANK[upstream.status];
  if (incoming < known) return null;

  const patch: VideoPatch = { upstreamStatus: upstream.status };
  if (!current.upstreamId) patch.upstreamId = upstream.id;
  const schedule: TaskSpec[] = [];
  switch (upstream.status) {
    case 'queued':
      patch.status = later(current.status, VideoStatus.QUEUED);
      break;
    case 'in_progress':
      patch.status = later(current.status, VideoStatus.IN_PROGRESS);
      patch.progress = Math.max(current.progress, Math.min(upstream.progress, CUSTODY_PROGRESS));
      // Only the move into IN_PROGRESS on a report of rendering starts the clock: a job seen going
      // straight from queued to completed has no observed render time (a guess would skew the
      // estimates), and neither has a row that was already rendering before timings existed.
      if (current.status !== VideoStatus.IN_PROGRESS && !current.startedAt) patch.startedAt = now;
      break;
    case 'completed':
      patch.status = later(current.status, VideoStatus.IN_PROGRESS);
      patch.progress = Math.max(current.progress, CUSTODY_PROGRESS);
      patch.upstreamExpiresAt = upstream.expiresAt ?? current.upstreamExpiresAt ?? null;
      if (current.upstreamStatus !== 'completed') {
        schedule.push({ kind: VideoTask.CUSTODY, subjectId: current.id, tenantId: current.tenantId });
      }
      break;
    case 'failed': {
      const error = jobErrorFromUpstream(upstream.error);
      Object.assign(patch, failurePatch(error, now));
      break;
    }
  }
  const changed = diff(current, patch);
  return changed ? { patch: changed, schedule } : null;
}

/**
 * The upstream accepted the job: record its id and start polling. A job cancelled while its
 * submission was on the way stays CANCELLED, but the upstream now renders (and bills) it: record
 * the upstream job, mark the cost as charged, and schedule a poll, which deletes the upstream copy
 * of a cancelled job (see the reconciler).
 */
export function planSubmitted(current: Video, upstream: UpstreamVideo, now: Date = new Date()): TransitionPlan | null {
  if (current.status === VideoStatus.CANCELLED && !current.upstreamId) {
    return {
      patch: { upstreamId: upstream.id, upstreamStatus: upstream.status, submittedAt: now, cancelledAfterSubmit: true },
      schedule: [{ kind: VideoTask.POLL, subjectId: current.id, tenantId: current.tenantId, runAt: now.getTime() }],
    };
  }
  if (current.status !== VideoStatus.PENDING) return null;
  const plan = planUpstreamState(current, upstream, now) ?? { patch: {} };
  plan.patch.upstreamId = upstream.id;
  plan.patch.submittedAt = now;
  plan.patch.status = plan.patch.status ?? VideoStatus.QUEUED;
  plan.schedule = [
    ...(plan.schedule ?? []),
    { kind: VideoTask.POLL, subjectId: current.id, tenantId: current.tenantId, runAt: now.getTime() + FIRST_POLL_DELAY_MS },
  ];
  return plan;
}

function failurePatch(error: JobError, now: Date): VideoPatch {
  return {
    status: VideoStatus.FAILED,
    errorCode: error.code,
    errorMessage: error.message,
    errorRetryable: error.retryable,
    completedAt: now,
  };
}

/** Ends a job as FAILED with a job error (unless it already ended). */
export function planFailed(current: Video, error: JobError, now: Date = new Date()): TransitionPlan | null {
  if (TERMINAL_STATUSES.has(current.status)) return null;
  return { patch: failurePatch(error, now) };
}

/** Stored assets of a job in custody. */
export interface CustodyResult {
  videoKey: string;
  videoBytes: number;
  thumbnailKey: string | null;
  spritesheetKey: string | null;
}

/** The MP4 is stored: the job is COMPLETED and playable from Reelgraph's storage. */
export function planCompleted(current: Video, assets: CustodyResult, now: Date = new Date()): TransitionPlan | null {
  if (TERMINAL_STATUSES.has(current.status)) return null;
  return {
    patch: {
      status: VideoStatus.COMPLETED,
      progress: 100,
      completedAt: now,
      videoKey: assets.videoKey,
      videoBytes: assets.videoBytes,
      thumbnailKey: assets.thumbnailKey,
      spritesheetKey: assets.spritesheetKey,
    },
  };
}

/** How a client's cancel is decided: whether a PENDING job was already handed over in an upstream batch. */
export interface CancelContext {
  /** The job is an item of an OFFLINE batch the upstream already holds, so it will be rendered. */
  sentWithBatch: boolean;
}

/**
 * A client cancels the job (`cancelVideo`). PENDING: nothing was sent, so nothing is charged.
 * QUEUED / IN_PROGRESS: the upstream cannot stop a render, so the job ends CANCELLED at once, its
 * result is discarded when it arrives (terminal rows never change), the cost stays charged, and a
 * poll is scheduled to delete the upstream copy. Null when the job already ended.
 */
export function planCancelRequest(current: Video, context: CancelContext, now: Date = new Date()): TransitionPlan | null {
  if (TERMINAL_STATUSES.has(current.status)) return null;
  if (current.status === VideoStatus.PENDING) {
    return { patch: { status: VideoStatus.CANCELLED, completedAt: now, cancelledAfterSubmit: context.sentWithBatch } };
  }
  return {
    patch: { status: VideoStatus.CANCELLED, completedAt: now, cancelledAfterSubmit: true },
    schedule: current.upstreamId ? [{ kind: VideoTask.POLL, subjectId: current.id, tenantId: current.tenantId, runAt: now.getTime() }] : [],
  };
}

/** Cancels a job that never reached the upstream (a cancelled batch's PENDING items). */
export function planCancelled(current: Video, now: Date = new Date()): TransitionPlan | null {
  if (current.status !== VideoStatus.PENDING) return null;
  return { patch: { status: VideoStatus.CANCELLED, completedAt: now } };
}
