import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/relay';
import { Video } from '../videos/video.entity';
import { VideoType } from '../videos/video.type';
import { Extension, MAX_CHAIN_SECONDS, MAX_EXTENSIONS } from './extension.entity';
import { ExtendVideoInput } from './extension.inputs';
import type { ExtensionService } from './extension.service';
import { ExtensionPayload, ExtensionType } from './extension.type';

/** Global type name of extensions. */
export const EXTENSION_TYPE_NAME = 'Extension';

@Resolver(() => ExtensionType)
export class ExtensionResolver {
  constructor(private readonly service: ExtensionService) {}

  @Mutation(() => ExtensionPayload, {
    description: `Continues a COMPLETED video (upstream /videos/extensions). A chain allows ${MAX_EXTENSIONS} extensions and ${MAX_CHAIN_SECONDS} s in total, checked before anything is sent.`,
  })
  async extendVideo(@Arg('input', () => ExtendVideoInput, { description: 'The source video, how it continues and for how long.' }) input: ExtendVideoInput, @Ctx() ctx: RequestContext): Promise<{ extension: Extension }> {
    return { extension: await this.service.extend(ctx, input) };
  }

  @FieldResolver(() => ID)
  id(@Root() extension: Extension): string {
    return toGlobalId(EXTENSION_TYPE_NAME, extension.id);
  }

  @FieldResolver(() => VideoType, { description: 'The video that was continued.' })
  async source(@Root() extension: Extension, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return ctx.loaders.videoById.load(extension.source.id);
  }

  @FieldResolver(() => VideoType, { description: 'The stitched result (operation EXTEND).' })
  async video(@Root() extension: Extension, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return ctx.loaders.videoById.load(extension.video.id);
  }

  @FieldResolver(() => VideoType, { description: 'The first video of the chain.' })
  async root(@Root() extension: Extension, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return ctx.loaders.videoById.load(extension.root.id);
  }

  @FieldResolver(() => Int, { description: 'Extensions the chain still allows after this one.' })
  remainingExtensions(@Root() extension: Extension): number {
    return MAX_EXTENSIONS - extension.index;
  }

  @FieldResolver(() => Int, { description: 'Seconds the chain may still grow after this one.' })
  remainingSeconds(@Root() extension: Extension): number {
    return MAX_CHAIN_SECONDS - extension.totalSeconds;
  }
}

/** Lineage fields of `Video` that extensions own. */
@Resolver(() => VideoType)
export class VideoExtensionsResolver {
  @FieldResolver(() => [ExtensionType], { description: 'Extensions made directly from this video.' })
  async extensions(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Extension[]> {
    return ctx.loaders.extensionsBySource.load(video.id);
  }

  @FieldResolver(() => ExtensionType, { nullable: true, description: 'The extension that produced this video; null unless operation is EXTEND.' })
  async extension(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Extension | undefined> {
    return ctx.loaders.extensionByVideo.load(video.id);
  }

  @FieldResolver(() => VideoType, { description: 'The first video of this video\'s extension chain (the video itself when it is not an extension).' })
  async chainRoot(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    const extension = await ctx.loaders.extensionByVideo.load(video.id);
    return extension ? ctx.loaders.videoById.load(extension.root.id) : video;
  }
}
