import { Arg, Ctx, FieldResolver, Float, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Video } from './video.entity';
import { CancelVideoInput, RetryVideoInput } from './video.inputs';
import type { VideoRetries } from './video.retry';
import type { VideoService } from './video.service';
import { estimateCompletion, isEstimable, queuedSeconds, renderSeconds, shapeKey } from './video.timings';
import { VideoPayload, VideoType } from './video.type';

/** Cancel, retry and timings of a video job. Thin: the rules live in the services and video.timings. */
@Resolver(() => VideoType)
export class VideoLifecycleResolver {
  constructor(
    private readonly videos: VideoService,
    private readonly retrying: VideoRetries,
  ) {}

  @Mutation(() => VideoPayload, {
    description:
      'Stops a PENDING, QUEUED or IN_PROGRESS video: it is CANCELLED at once. PENDING: nothing is sent upstream and nothing is charged. ' +
      'QUEUED / IN_PROGRESS: the video service cannot stop a render, so its result is discarded when it arrives and the estimated cost stays charged (see `Video.cost`). ' +
      'A video that already ended is a CONFLICT.',
  })
  async cancelVideo(@Arg('input', () => CancelVideoInput, { description: 'The video to stop.' }) input: CancelVideoInput, @Ctx() ctx: RequestContext): Promise<{ video: Video }> {
    return { video: await this.videos.cancel(ctx, input) };
  }

  @Mutation(() => VideoPayload, {
    description:
      'Submits a FAILED video\'s request again as a new video (`retryOf` links it to the original, which keeps its error). ' +
      'Validated, screened, budgeted and rate-limited like the mutation that made the original. Any other status is a CONFLICT.',
  })
  async retryVideo(@Arg('input', () => RetryVideoInput, { description: 'The failed video and an optional idempotency key.' }) input: RetryVideoInput, @Ctx() ctx: RequestContext): Promise<{ video: Video }> {
    return { video: await this.retrying.retry(ctx, input) };
  }

  @FieldResolver(() => VideoType, { nullable: true, description: 'The FAILED video this one submits again (made by `retryVideo`).' })
  async retryOf(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    const id = video.retryOf?.id;
    return id ? ctx.loaders.videoById.load(id) : undefined;
  }

  @FieldResolver(() => [VideoType], { description: 'New attempts at this video made by `retryVideo`, newest first.' })
  async retries(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Video[]> {
    return ctx.loaders.retriesByOriginal.load(video.id);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Seconds from `submittedAt` to `startedAt`; null until the job was seen rendering.' })
  queuedSeconds(@Root() video: Video): number | null {
    return queuedSeconds(video);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Seconds from `startedAt` to `completedAt` (rendering plus the copy into storage); null unless COMPLETED.' })
  renderSeconds(@Root() video: Video): number | null {
    return renderSeconds(video);
  }

  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'While QUEUED or IN_PROGRESS: when the video should be COMPLETED, from the median queue and render times of your 20 most recent COMPLETED videos ' +
      'with the same snapshot, size and seconds. Null in other states and until there is such a video.',
  })
  async estimatedCompletionAt(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Date | null> {
    // Only running jobs cost a (batched) lookup.
    if (!isEstimable(video)) return null;
    return estimateCompletion(video, await ctx.loaders.renderStatsByShape.load(shapeKey(video)));
  }
}
