import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { toErrorCode } from '../../graphql/error-code';
import { expectGlobalId, fromGlobalId, PageArgs, toGlobalId } from '../../graphql/relay';
import { Video } from '../videos/video.entity';
import { VideoErrorType, VideoType } from '../videos/video.type';
import { Storyboard, StoryboardScene, StoryboardStatus } from './storyboard.entity';
import { CreateStoryboardInput } from './storyboard.inputs';
import { STORYBOARD_TYPE_NAME } from './storyboard.live';
import type { StoryboardService } from './storyboard.service';
import { StoryboardConnection, StoryboardPayload, StoryboardSceneType, StoryboardType } from './storyboard.type';

@Resolver(() => StoryboardType)
export class StoryboardResolver {
  constructor(private readonly service: StoryboardService) {}

  @Query(() => StoryboardType, { nullable: true, description: 'A storyboard of the viewer by ID; null when there is none.' })
  async storyboard(@Arg('id', () => ID, { description: 'Global ID of the storyboard (`Storyboard.id`).' }) id: string, @Ctx() ctx: RequestContext): Promise<Storyboard | undefined> {
    const parsed = fromGlobalId(id);
    return parsed?.typeName === STORYBOARD_TYPE_NAME ? ctx.loaders.storyboardById.load(parsed.id) : undefined;
  }

  @Query(() => StoryboardConnection, { description: 'The viewer\'s storyboards, newest first.' })
  async storyboards(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return this.service.list(ctx, page);
  }

  @Mutation(() => StoryboardPayload, {
    description: 'Plans a piece scene by scene: scene 1 renders as a video, each later scene as an extension of the previous result. 1–7 scenes, at most 120 s, checked up front.',
  })
  async createStoryboard(@Arg('input', () => CreateStoryboardInput, { description: 'The scenes, the model and the size.' }) input: CreateStoryboardInput, @Ctx() ctx: RequestContext): Promise<{ storyboard: Storyboard }> {
    return { storyboard: await this.service.create(ctx, input) };
  }

  @Subscription(() => StoryboardType, {
    description: 'The storyboard\'s current state, then every change (scene advancing, progress) until it is COMPLETED or FAILED.',
    subscribe: ({ args, context }) => {
      const ctx = context as RequestContext;
      return ctx.streams.storyboards.openUpdates(ctx, expectGlobalId(args.id as string, STORYBOARD_TYPE_NAME, 'id'), args.id as string);
    },
  })
  storyboardUpdated(@Arg('id', () => ID, { description: 'Global ID of a storyboard of the viewer; an unknown one is NOT_FOUND.' }) _id: string, @Root() storyboard: Storyboard): Storyboard {
    return storyboard;
  }

  @FieldResolver(() => ID)
  id(@Root() storyboard: Storyboard): string {
    return toGlobalId(STORYBOARD_TYPE_NAME, storyboard.id);
  }

  @FieldResolver(() => [StoryboardSceneType], { description: 'The planned scenes in order.' })
  async scenes(@Root() storyboard: Storyboard, @Ctx() ctx: RequestContext): Promise<StoryboardScene[]> {
    return ctx.loaders.scenesByStoryboard.load(storyboard.id);
  }

  @FieldResolver(() => VideoType, { nullable: true, description: 'The one continuous clip of every scene; set when COMPLETED.' })
  async finalVideo(@Root() storyboard: Storyboard, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return storyboard.finalVideo ? ctx.loaders.videoById.load(storyboard.finalVideo.id) : undefined;
  }

  @FieldResolver(() => Int, { description: '0 to 100 over the whole piece, weighted by scene length.' })
  async progress(@Root() storyboard: Storyboard, @Ctx() ctx: RequestContext): Promise<number> {
    if (storyboard.status === StoryboardStatus.COMPLETED) return 100;
    const scenes = await ctx.loaders.scenesByStoryboard.load(storyboard.id);
    const current = scenes[storyboard.currentScene - 1];
    const done = scenes.filter((s) => s.index < storyboard.currentScene).reduce((sum, s) => sum + s.seconds, 0);
    const video = current?.video ? await ctx.loaders.videoById.load(current.video.id) : undefined;
    const partial = current && video ? ((video.progress / 100) * current.seconds) : 0;
    return Math.min(99, Math.floor((100 * (done + partial)) / storyboard.totalSeconds));
  }

  @FieldResolver(() => VideoErrorType, { nullable: true, description: 'Why the storyboard stopped; null unless FAILED.' })
  error(@Root() storyboard: Storyboard): VideoErrorType | null {
    return storyboard.errorCode ? { code: toErrorCode(storyboard.errorCode), message: storyboard.errorMessage ?? '', retryable: false } : null;
  }
}

/** Fields of a scene that need a lookup. */
@Resolver(() => StoryboardSceneType)
export class StoryboardSceneResolver {
  @FieldResolver(() => VideoType, { nullable: true, description: 'The clip up to and including this scene (scene 1: the first video; later: the extension that added it). Null until submitted.' })
  async video(@Root() scene: StoryboardScene, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return scene.video ? ctx.loaders.videoById.load(scene.video.id) : undefined;
  }
}

/** `Video.storyboard`, owned by the storyboards feature. */
@Resolver(() => VideoType)
export class VideoStoryboardResolver {
  @FieldResolver(() => StoryboardType, { nullable: true, description: 'The storyboard this video is a scene of.' })
  async storyboard(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Storyboard | undefined> {
    return video.storyboardId ? ctx.loaders.storyboardById.load(video.storyboardId) : undefined;
  }
}
