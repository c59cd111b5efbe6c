import type { PubSub } from '@graphql-yoga/subscription';
import { notFound } from '../../errors';
import { type LiveIterator, stoppable, subscribeNow } from '../../events/subscribe-now';
import type { Topics, VideoChangedEvent } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { Video } from './video.entity';
import { TERMINAL_STATUSES } from './video.enums';
import type { VideoFilter } from './video.inputs';
import { fromSnapshot, toSnapshot } from './video.snapshot';
import { VIDEO_TYPE_NAME } from './video.type';

/**
 * Counts live watchers per video in this process, so the reconciler polls watched jobs faster.
 */
export class Watchers {
  private readonly counts = new Map<string, number>();

  /** Counts one more watcher; true when it is the video's first in this process. */
  add(videoId: string): boolean {
    const count = (this.counts.get(videoId) ?? 0) + 1;
    this.counts.set(videoId, count);
    return count === 1;
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

/**
 * The Video an event carries, revived once per event however many subscribers receive it: every
 * subscriber then yields the same object, which lets `SubscriptionCohorts` execute the
 * selection once per cohort.
 */
const revived = new WeakMap<VideoChangedEvent, Video>();
function videoOf(event: VideoChangedEvent): Video {
  let video = revived.get(event);
  if (!video) revived.set(event, (video = fromSnapshot(event.snapshot)));
  return video;
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

  /** Opening reads not yet started, by tenant and video: subscribers arriving together share one. */
  private readonly openingReads = new Map<string, Promise<Video | null>>();

  /**
   * Opens a stream of the video's current state first, then every change, ending after a terminal
   * state. It listens before reading the current state (so no change falls in between) and skips
   * events not newer than what it sent. @throws NOT_FOUND before anything is sent.
   */
  async openUpdates(ctx: RequestContext, videoId: string, globalId: string): Promise<AsyncGenerator<Video>> {
    const changes = subscribeNow(this.pubsub, 'video.changed', videoId);
    const current = await this.readCurrent(ctx, videoId);
    if (!current) {
      await changes.return();
      throw notFound(VIDEO_TYPE_NAME, globalId, 'id');
    }
    return stoppable(this.follow(ctx.viewer.tenantId, current, changes), changes);
  }

  /**
   * The video as stored now, as a detached copy like the ones events carry (a managed entity would
   * keep its EntityManager alive for as long as the subscription waits). When many clients open
   * the same video at once (a popular video, a reconnect storm), they share one read: a read is
   * joined only until it starts, so everyone who joins was already listening before it ran.
   */
  private readCurrent(ctx: RequestContext, videoId: string): Promise<Video | null> {
    const key = `${ctx.viewer.tenantId}:${videoId}`;
    const pending = this.openingReads.get(key);
    if (pending) return pending;
    const em = ctx.em.fork({ clear: true });
    const read = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.openingReads.delete(key);
      const row = await em.findOne(Video, { id: videoId });
      return row ? fromSnapshot(toSnapshot(row)) : null;
    });
    this.openingReads.set(key, read);
    return read;
  }

  private async *follow(tenantId: string, current: Video, changes: LiveIterator<VideoChangedEvent>): AsyncGenerator<Video> {
    try {
      yield current;
      if (TERMINAL_STATUSES.has(current.status)) return;
      let version = current.version;
      try {
        // The first watcher in this process asks for a poll now; later ones ride on it.
        if (this.watchers.add(current.id)) await this.onWatch(current);
        for (;;) {
          const { done, value } = await changes.next();
          if (done) return;
          if (value.tenantId !== tenantId || value.version <= version) continue;
          version = value.version;
          const video = videoOf(value);
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
        const video = videoOf(value);
        if (filter?.operation?.length && !filter.operation.includes(video.operation)) continue;
        yield video;
      }
    } finally {
      await changes.return();
    }
  }
}
