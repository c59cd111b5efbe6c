import type { PubSub } from '@graphql-yoga/subscription';
import { notFound } from '../../errors';
import { type LiveIterator, stoppable, subscribeNow } from '../../events/subscribe-now';
import type { Topics, VideoChangedEvent } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { Video } from './video.entity';
import { TERMINAL_STATUSES } from './video.enums';
import type { VideoFilter } from './video.inputs';
import { fromSnapshot } from './video.snapshot';
import { VIDEO_TYPE_NAME } from './video.type';

/**
 * Counts live watchers per video in this process, so the reconciler polls watched jobs faster.
 */
export class Watchers {
  private readonly counts = new Map<string, number>();

  add(videoId: string): void {
    this.counts.set(videoId, (this.counts.get(videoId) ?? 0) + 1);
  }

  remove(videoId: string): void {
    const left = (this.counts.get(videoId) ?? 1) - 1;
    if (left > 0) this.counts.set(videoId, left);
    else this.counts.delete(videoId);
  }

  has(videoId: string): boolean {
    return this.counts.has(videoId);
  }
}

/** Called when a subscription starts watching a job (to poll it right away). */
export type WatchStarted = (video: Video) => Promise<void>;

/**
 * Live video streams for subscriptions. Change events carry a snapshot of the new state, so
 * following a video costs no database read per change.
 */
export class VideoLive {
  constructor(
    private readonly pubsub: PubSub<Topics>,
    readonly watchers: Watchers,
    private readonly onWatch: WatchStarted,
  ) {}

  /**
   * Opens a stream of the video's current state first, then every change, ending after a terminal
   * state. It listens before reading the current state (so no change falls in between) and skips
   * events not newer than what it sent. @throws NOT_FOUND before anything is sent.
   */
  async openUpdates(ctx: RequestContext, videoId: string, globalId: string): Promise<AsyncGenerator<Video>> {
    const changes = subscribeNow(this.pubsub, 'video.changed', videoId);
    const current = await ctx.em.fork({ clear: true }).findOne(Video, { id: videoId });
    if (!current) {
      await changes.return();
      throw notFound(VIDEO_TYPE_NAME, globalId, 'id');
    }
    return stoppable(this.follow(ctx, current, changes), changes);
  }

  private async *follow(ctx: RequestContext, current: Video, changes: LiveIterator<VideoChangedEvent>): AsyncGenerator<Video> {
    try {
      yield current;
      if (TERMINAL_STATUSES.has(current.status)) return;
      let version = current.version;
      this.watchers.add(current.id);
      try {
        await this.onWatch(current);
        for (;;) {
          const { done, value } = await changes.next();
          if (done) return;
          if (value.tenantId !== ctx.viewer.tenantId || value.version <= version) continue;
          version = value.version;
          const video = fromSnapshot(value.snapshot);
          yield video;
          if (TERMINAL_STATUSES.has(video.status)) return;
        }
      } finally {
        this.watchers.remove(current.id);
      }
    } finally {
      await changes.return();
    }
  }

  /** Every change to the viewer's videos that matches the filter. */
  feed(ctx: RequestContext, filter?: VideoFilter): AsyncGenerator<Video> {
    const changes = subscribeNow(this.pubsub, 'tenant.videos', ctx.viewer.tenantId);
    return stoppable(this.feedFrom(changes, filter), changes);
  }

  private async *feedFrom(changes: LiveIterator<VideoChangedEvent>, filter?: VideoFilter): AsyncGenerator<Video> {
    try {
      for (;;) {
        const { done, value } = await changes.next();
        if (done) return;
        if (filter?.status?.length && !filter.status.includes(value.status)) continue;
        const video = fromSnapshot(value.snapshot);
        if (filter?.operation?.length && !filter.operation.includes(video.operation)) continue;
        yield video;
      }
    } finally {
      await changes.return();
    }
  }
}
