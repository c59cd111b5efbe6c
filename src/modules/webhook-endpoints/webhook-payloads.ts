import { toGlobalId } from '../../graphql/relay';
import type { Batch } from '../batches/batch.entity';
import { BATCH_TYPE_NAME } from '../batches/batch.service';
import type { Storyboard } from '../storyboards/storyboard.entity';
import { STORYBOARD_TYPE_NAME } from '../storyboards/storyboard.live';
import type { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import { VIDEO_TYPE_NAME } from '../videos/video.type';
import { WebhookEventType } from './webhook-endpoint.entity';

/** The body of every outbound webhook: `{ id, type, timestamp, data: { object } }`. */
export interface WebhookMessage {
  id: string;
  type: WebhookEventType;
  /** ISO 8601 time of the change. */
  timestamp: string;
  data: { object: Record<string, unknown> };
}

/** The event a video's new status is, if subscribers hear of it. */
export function videoEventType(status: VideoStatus): WebhookEventType | undefined {
  if (status === VideoStatus.COMPLETED) return WebhookEventType.VIDEO_COMPLETED;
  if (status === VideoStatus.FAILED) return WebhookEventType.VIDEO_FAILED;
  if (status === VideoStatus.CANCELLED) return WebhookEventType.VIDEO_CANCELLED;
  return undefined;
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** A video in the schema's shape (global ids, the schema's field names; no signed URLs). */
export function videoObject(video: Video): Record<string, unknown> {
  return {
    __typename: VIDEO_TYPE_NAME,
    id: toGlobalId(VIDEO_TYPE_NAME, video.id),
    status: video.status,
    progress: video.progress,
    prompt: video.prompt,
    model: video.model,
    resolvedModel: video.resolvedModel ?? null,
    operation: video.operation,
    seconds: video.seconds,
    size: video.size,
    estimatedCost: video.estimatedCost ?? null,
    error: video.errorCode ? { code: video.errorCode, message: video.errorMessage ?? '', retryable: video.errorRetryable ?? false } : null,
    createdAt: iso(video.createdAt),
    completedAt: iso(video.completedAt),
  };
}

/** A batch in the schema's shape. */
export function batchObject(batch: Batch): Record<string, unknown> {
  return {
    __typename: BATCH_TYPE_NAME,
    id: toGlobalId(BATCH_TYPE_NAME, batch.id),
    mode: batch.mode,
    status: batch.status,
    metadata: batch.metadata ?? null,
    createdAt: iso(batch.createdAt),
    completedAt: iso(batch.completedAt),
  };
}

/** A storyboard in the schema's shape; `finalVideo` carries the clip's id. */
export function storyboardObject(storyboard: Storyboard, finalVideoId: string | undefined): Record<string, unknown> {
  return {
    __typename: STORYBOARD_TYPE_NAME,
    id: toGlobalId(STORYBOARD_TYPE_NAME, storyboard.id),
    status: storyboard.status,
    model: storyboard.model,
    size: storyboard.size,
    totalSeconds: storyboard.totalSeconds,
    currentScene: storyboard.currentScene,
    finalVideo: finalVideoId ? { id: toGlobalId(VIDEO_TYPE_NAME, finalVideoId) } : null,
    createdAt: iso(storyboard.createdAt),
    completedAt: iso(storyboard.completedAt),
  };
}
