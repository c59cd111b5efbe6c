import type { SqlEntityManager } from '@mikro-orm/knex';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { Video } from '../modules/videos/video.entity';
import { TERMINAL_STATUSES, VideoStatus, VideoVariant } from '../modules/videos/video.enums';
import { type CustodyResult, planCompleted, planFailed } from '../modules/videos/video.state';
import type { VideoTransitions } from '../modules/videos/video.transitions';
import type { LocalStorage } from '../storage/local-storage';
import type { UpstreamVariant } from '../upstream/client';
import { classifyUpstreamError } from '../upstream/errors';
import type { Upstreams } from '../upstream/upstreams';
import type { Task } from './task.entity';
import type { TaskOutcome } from './task-queue';
import { backoffMs } from './worker';

/** File name of each stored variant; the extension tells browsers and `sendFile` the type. */
export const VARIANT_FILES: Record<VideoVariant, string> = {
  [VideoVariant.VIDEO]: 'video.mp4',
  [VideoVariant.THUMBNAIL]: 'thumbnail.webp',
  [VideoVariant.SPRITESHEET]: 'spritesheet.jpg',
};

/** Storage key of one variant of a video. */
export function assetKey(video: Pick<Video, 'tenantId' | 'id'>, variant: VideoVariant): string {
  return `${video.tenantId}/${video.id}/${VARIANT_FILES[variant]}`;
}

/** Folder of all of a video's assets (removed on delete). */
export function assetPrefix(video: Pick<Video, 'tenantId' | 'id'>): string {
  return `${video.tenantId}/${video.id}`;
}

/**
 * Copies a finished job's assets out of the upstream before its links expire (`video.custody`
 * tasks). The MP4 is required; thumbnail and spritesheet are kept when the upstream has them
 * (some gateways do not serve them). Only once the MP4 is stored does the job become COMPLETED.
 */
export class Custody {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly storage: LocalStorage,
    private readonly transitions: VideoTransitions,
    private readonly logger: Logger,
  ) {}

  readonly handle = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const video = await em.findOne(Video, { id: task.subjectId });
    if (!video || TERMINAL_STATUSES.has(video.status) || !video.upstreamId) return { done: true };
    let assets: CustodyResult;
    try {
      assets = await this.copy(video);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      const expired = video.upstreamExpiresAt !== null && video.upstreamExpiresAt !== undefined && video.upstreamExpiresAt.getTime() < Date.now();
      if (!failure.retryable || expired) {
        await this.storage.remove(assetPrefix(video));
        await this.transitions.apply(em, video.id, (current) =>
          planFailed(current, {
            code: ErrorCode.ASSET_EXPIRED,
            message: `The finished video could not be copied from the video service before its assets expired: ${failure.error.message}`,
            retryable: true,
          }),
        );
        return { done: true };
      }
      this.logger.warn({ videoId: video.id, code: failure.error.code }, 'copying assets failed; will retry');
      return { retryInMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(task.attempts, 1000, 60_000)), error: failure.error.message };
    }
    const after = await this.transitions.apply(em, video.id, (current) => planCompleted(current, assets));
    // Cancelled (or deleted) while the copy ran: its result is discarded, so nothing stays stored.
    if (after?.status !== VideoStatus.COMPLETED) await this.storage.remove(assetPrefix(video));
    return { done: true };
  };

  private async copy(video: Video): Promise<CustodyResult> {
    const upstream = this.upstreams.get(video.upstream);
    const upstreamId = video.upstreamId as string;
    const fetchTo = async (variant: VideoVariant): Promise<number> => {
      const response = await upstream.download(upstreamId, variant.toLowerCase() as UpstreamVariant);
      if (!response.body) throw new AppError(ErrorCode.UPSTREAM_ERROR, `empty ${variant} download`);
      return this.storage.write(assetKey(video, variant), response.body);
    };
    const videoBytes = await fetchTo(VideoVariant.VIDEO);
    const optional = async (variant: VideoVariant): Promise<string | null> => {
      try {
        await fetchTo(variant);
        return assetKey(video, variant);
      } catch (error) {
        const failure = classifyUpstreamError(error);
        if (failure.retryable) throw error;
        this.logger.info({ videoId: video.id, variant }, 'upstream has no such variant; keeping the video without it');
        return null;
      }
    };
    const [thumbnailKey, spritesheetKey] = await Promise.all([optional(VideoVariant.THUMBNAIL), optional(VideoVariant.SPRITESHEET)]);
    return { videoKey: assetKey(video, VideoVariant.VIDEO), videoBytes, thumbnailKey, spritesheetKey };
  }
}
