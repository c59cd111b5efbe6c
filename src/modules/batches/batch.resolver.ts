import { Arg, Args, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { toErrorCode } from '../../graphql/error-code';
import { expectGlobalId, fromGlobalId, PageArgs, toGlobalId } from '../../graphql/relay';
import type { MediaUrls } from '../../storage/media-urls';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import { VIDEO_TYPE_NAME, VideoConnection, VideoType } from '../videos/video.type';
import type { BatchCounts } from './batch.counts';
import { Batch } from './batch.entity';
import { CancelBatchInput, SubmitBatchInput } from './batch.inputs';
import { BATCH_TYPE_NAME, type BatchService } from './batch.service';
import { BatchConnection, BatchCountsType, BatchItemErrorType, BatchPayload, BatchType } from './batch.type';

@Resolver(() => BatchType)
export class BatchResolver {
  constructor(
    private readonly service: BatchService,
    private readonly media: MediaUrls,
  ) {}

  @Query(() => BatchType, { nullable: true, description: 'A batch of the viewer by ID; null when there is none.' })
  async batch(@Arg('id', () => ID, { description: 'Global ID of the batch (`Batch.id`).' }) id: string, @Ctx() ctx: RequestContext): Promise<Batch | undefined> {
    const parsed = fromGlobalId(id);
    return parsed?.typeName === BATCH_TYPE_NAME ? ctx.loaders.batchById.load(parsed.id) : undefined;
  }

  @Query(() => BatchConnection, { description: 'The viewer\'s batches, newest first.' })
  async batches(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return this.service.list(ctx, page);
  }

  @Mutation(() => BatchPayload, {
    description: 'Submits many videos at once. Every item is validated first (a bad one rejects the batch with its index and customId, and nothing is submitted).',
  })
  async submitBatch(@Arg('input', () => SubmitBatchInput, { description: 'The items (inline or as an upload) and how to run them.' }) input: SubmitBatchInput, @Ctx() ctx: RequestContext): Promise<{ batch: Batch }> {
    return { batch: await this.service.submit(ctx, input) };
  }

  @Mutation(() => BatchPayload, { description: 'Stops new submissions; items already with the upstream finish. Ends CANCELLED.' })
  async cancelBatch(@Arg('input', () => CancelBatchInput, { description: 'The batch to cancel.' }) input: CancelBatchInput, @Ctx() ctx: RequestContext): Promise<{ batch: Batch }> {
    return { batch: await this.service.cancel(ctx, input) };
  }

  @Subscription(() => BatchType, {
    description: 'The batch\'s current state, then every change (status, counts; throttled) until it ends.',
    subscribe: ({ args, context }) => {
      const ctx = context as RequestContext;
      return ctx.streams.batches.openUpdates(ctx, expectGlobalId(args.id as string, BATCH_TYPE_NAME, 'id'), args.id as string);
    },
  })
  batchUpdated(@Arg('id', () => ID, { description: 'Global ID of a batch of the viewer; an unknown one is NOT_FOUND.' }) _id: string, @Root() batch: Batch): Batch {
    return batch;
  }

  @FieldResolver(() => ID)
  id(@Root() batch: Batch): string {
    return toGlobalId(BATCH_TYPE_NAME, batch.id);
  }

  @FieldResolver(() => BatchCountsType, { description: 'Items by state; sums to `total`.' })
  async counts(@Root() batch: Batch, @Ctx() ctx: RequestContext): Promise<BatchCounts> {
    return ctx.loaders.countsByBatch.load(batch.id);
  }

  @FieldResolver(() => VideoConnection, { description: 'The batch\'s items (videos) in submission order, optionally by status.' })
  async videos(
    @Root() batch: Batch,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => [VideoStatus], { nullable: true, description: 'Only items in one of these statuses; omitted means all items.' }) status: VideoStatus[] | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.videos(ctx, batch, page, status);
  }

  @FieldResolver(() => [BatchItemErrorType], { description: 'Failed items with their customId and reason.' })
  async errors(@Root() batch: Batch, @Ctx() ctx: RequestContext): Promise<BatchItemErrorType[]> {
    const failed = await ctx.loaders.failedItemsByBatch.load(batch.id);
    return failed.map((v) => ({ customId: v.customId ?? '', videoId: toGlobalId(VIDEO_TYPE_NAME, v.id), code: toErrorCode(v.errorCode), message: v.errorMessage ?? '' }));
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Sum of the items\' estimated cost in dollars (null when a price is unknown).' })
  async estimatedCost(@Root() batch: Batch, @Ctx() ctx: RequestContext): Promise<number | null> {
    return (await ctx.loaders.countsByBatch.load(batch.id)).estimatedCost;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed, expiring URL of a JSON Lines export of every item\'s result; set when the batch ends.' })
  resultsUrl(@Root() batch: Batch): string | null {
    return batch.exportKey ? this.media.urlFor(batch.tenantId, batch.exportKey) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why the batch as a whole failed, if it did.' })
  errorMessage(@Root() batch: Batch): string | null {
    return batch.errorMessage ?? null;
  }

  @FieldResolver(() => Int, { description: 'Number of items in the batch, fixed at submission.' })
  total(@Root() batch: Batch): number {
    return batch.total;
  }
}

/** `Video.batch` and `Video.customId`, owned by the batches feature. */
@Resolver(() => VideoType)
export class VideoBatchResolver {
  @FieldResolver(() => BatchType, { nullable: true, description: 'The batch this video is an item of.' })
  async batch(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Batch | undefined> {
    return video.batchId ? ctx.loaders.batchById.load(video.batchId) : undefined;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Your id for this item within its batch.' })
  customId(@Root() video: Video): string | null {
    return video.customId ?? null;
  }
}
