import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { toErrorCode } from '../../graphql/error-code';
import { expectGlobalId, fromGlobalId, PageArgs, toGlobalId } from '../../graphql/relay';
import type { MediaUrls } from '../../storage/media-urls';
import { Video } from './video.entity';
import { AspectRatio, VideoOperation, VideoStatus, VideoVariant } from './video.enums';
import { CreateVideoInput, DeleteVideoInput, EditVideoInput, RemixVideoInput, VideoFilter } from './video.inputs';
import type { VideoService } from './video.service';
import { DeleteVideoPayload, VIDEO_TYPE_NAME, VideoConnection, VideoErrorType, VideoPayload, VideoType } from './video.type';

/** Width and height of a `WxH` size; zeros when a gateway reported something else. */
export function dimensions(size: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : { width: 0, height: 0 };
}

/** Thin resolvers: arguments in, one service call, result out. Relations go through loaders. */
@Resolver(() => VideoType)
export class VideoResolver {
  constructor(
    private readonly service: VideoService,
    private readonly media: MediaUrls,
  ) {}

  @Query(() => VideoType, { nullable: true, description: 'A video of the viewer by ID; null when there is none.' })
  async video(@Arg('id', () => ID, { description: 'Global ID of the video (`Video.id`).' }) id: string, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    const parsed = fromGlobalId(id);
    return parsed?.typeName === VIDEO_TYPE_NAME ? this.service.get(ctx, parsed.id) : undefined;
  }

  @Query(() => VideoConnection, { description: 'The viewer\'s videos, newest first.' })
  async videos(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => VideoFilter, { nullable: true, description: 'Narrows the list by status and operation; omitted means all the viewer\'s videos.' }) filter: VideoFilter | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.list(ctx, page, filter);
  }

  @Mutation(() => VideoPayload, { description: 'Submits a new video job. Validated against the model catalog before anything is sent upstream.' })
  async createVideo(@Arg('input', () => CreateVideoInput, { description: 'What to render and how.' }) input: CreateVideoInput, @Ctx() ctx: RequestContext): Promise<{ video: Video }> {
    return { video: await this.service.create(ctx, input) };
  }

  @Mutation(() => VideoPayload, {
    description: 'Makes a variation of a COMPLETED video through the upstream\'s legacy remix path. Still works; new code should call editVideo.',
    deprecationReason: 'Use `editVideo`: the same input (`videoId`, `prompt`, `idempotencyKey`, `webhookUrl`), through the upstream\'s current `/videos/edits` path. remixVideo keeps working.',
  })
  async remixVideo(@Arg('input', () => RemixVideoInput, { description: 'The source video and the change to make.' }) input: RemixVideoInput, @Ctx() ctx: RequestContext): Promise<{ video: Video }> {
    return { video: await this.service.derive(ctx, VideoOperation.REMIX, input) };
  }

  @Mutation(() => VideoPayload, { description: 'Makes one targeted change to a COMPLETED video (upstream `/videos/edits`).' })
  async editVideo(@Arg('input', () => EditVideoInput, { description: 'The source video and the one change to make.' }) input: EditVideoInput, @Ctx() ctx: RequestContext): Promise<{ video: Video }> {
    return { video: await this.service.derive(ctx, VideoOperation.EDIT, input) };
  }

  @Mutation(() => DeleteVideoPayload, { description: 'Deletes a COMPLETED, FAILED, CANCELLED or PENDING video and its stored files.' })
  async deleteVideo(@Arg('input', () => DeleteVideoInput, { description: 'The video to delete.' }) input: DeleteVideoInput, @Ctx() ctx: RequestContext): Promise<DeleteVideoPayload> {
    return { deletedVideoId: await this.service.delete(ctx, input) };
  }

  @Subscription(() => VideoType, {
    description: 'The video\'s current state, then every change (status, progress) until it is COMPLETED, FAILED or CANCELLED.',
    subscribe: ({ args, context }) => {
      const ctx = context as RequestContext;
      const id = expectGlobalId(args.id as string, VIDEO_TYPE_NAME, 'id');
      return ctx.streams.videos.openUpdates(ctx, id, args.id as string);
    },
  })
  videoUpdated(@Arg('id', () => ID, { description: 'Global ID of a video of the viewer; another tenant\'s or an unknown ID is NOT_FOUND.' }) _id: string, @Root() video: Video): Video {
    return video;
  }

  @Subscription(() => VideoType, {
    description: 'Every change to the viewer\'s videos that matches the filter, as it happens.',
    subscribe: ({ args, context }) => (context as RequestContext).streams.videos.feed(context as RequestContext, args.filter as VideoFilter | undefined),
  })
  videosUpdated(
    @Arg('filter', () => VideoFilter, { nullable: true, description: 'Only changes to videos matching it (checked against the new state); omitted means every change.' }) _filter: VideoFilter | undefined,
    @Root() video: Video,
  ): Video {
    return video;
  }

  @FieldResolver(() => ID)
  id(@Root() video: Video): string {
    return toGlobalId(VIDEO_TYPE_NAME, video.id);
  }

  @FieldResolver(() => Int)
  width(@Root() video: Video): number {
    return dimensions(video.size).width;
  }

  @FieldResolver(() => Int)
  height(@Root() video: Video): number {
    return dimensions(video.size).height;
  }

  @FieldResolver(() => AspectRatio)
  aspectRatio(@Root() video: Video): AspectRatio {
    const { width, height } = dimensions(video.size);
    return width >= height ? AspectRatio.LANDSCAPE_16_9 : AspectRatio.PORTRAIT_9_16;
  }

  @FieldResolver(() => VideoErrorType, { nullable: true, description: 'Why the job failed; null unless FAILED.' })
  error(@Root() video: Video): VideoErrorType | null {
    if (!video.errorCode) return null;
    return { code: toErrorCode(video.errorCode), message: video.errorMessage ?? '', retryable: video.errorRetryable ?? false };
  }

  @FieldResolver(() => VideoType, { nullable: true, description: 'The video this one was derived from (remix, edit, extension).' })
  async source(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    const sourceId = video.source?.id;
    return sourceId ? ctx.loaders.videoById.load(sourceId) : undefined;
  }

  @FieldResolver(() => [VideoType], { description: 'Videos made from this one (remixes, edits, extensions), newest first.' })
  async derivatives(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Video[]> {
    return ctx.loaders.derivativesBySource.load(video.id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Signed, expiring URL of a stored asset (HTTP range requests supported). Null until COMPLETED, or when the variant was not produced.',
  })
  downloadUrl(
    @Root() video: Video,
    @Arg('variant', () => VideoVariant, { defaultValue: VideoVariant.VIDEO, description: 'Which stored asset: the MP4 (VIDEO, the default), its THUMBNAIL or its SPRITESHEET.' }) variant: VideoVariant,
  ): string | null {
    if (video.status !== VideoStatus.COMPLETED) return null;
    const key = { VIDEO: video.videoKey, THUMBNAIL: video.thumbnailKey, SPRITESHEET: video.spritesheetKey }[variant];
    return key ? this.media.urlFor(video.tenantId, key) : null;
  }
}
