import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { fromGlobalId, PageArgs, toGlobalId } from '../../graphql/relay';
import type { MediaUrls } from '../../storage/media-urls';
import { Video } from '../videos/video.entity';
import { VideoConnection, VideoType } from '../videos/video.type';
import { Character } from './character.entity';
import { CreateCharacterInput } from './character.inputs';
import { CHARACTER_TYPE_NAME, type CharacterService } from './character.service';
import { CharacterConnection, CharacterPayload, CharacterType } from './character.type';

@Resolver(() => CharacterType)
export class CharacterResolver {
  constructor(
    private readonly service: CharacterService,
    private readonly media: MediaUrls,
  ) {}

  @Query(() => CharacterType, { nullable: true, description: 'A character of the viewer by ID; null when there is none.' })
  async character(@Arg('id', () => ID, { description: 'Global ID of the character (`Character.id`).' }) id: string, @Ctx() ctx: RequestContext): Promise<Character | undefined> {
    const parsed = fromGlobalId(id);
    return parsed?.typeName === CHARACTER_TYPE_NAME ? this.service.get(ctx, parsed.id) : undefined;
  }

  @Query(() => CharacterConnection, { description: 'The viewer\'s characters, newest first.' })
  async characters(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return this.service.list(ctx, page);
  }

  @Mutation(() => CharacterPayload, { description: 'Registers a character from an MP4 upload (upstream POST /videos/characters).' })
  async createCharacter(@Arg('input', () => CreateCharacterInput, { description: 'The name, the clip upload and the model.' }) input: CreateCharacterInput, @Ctx() ctx: RequestContext): Promise<{ character: Character }> {
    return { character: await this.service.create(ctx, input) };
  }

  @FieldResolver(() => ID)
  id(@Root() character: Character): string {
    return toGlobalId(CHARACTER_TYPE_NAME, character.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Signed, expiring URL of a WebP still from the source clip.' })
  thumbnailUrl(@Root() character: Character): string | null {
    return character.thumbnailKey ? this.media.urlFor(character.tenantId, character.thumbnailKey) : null;
  }

  @FieldResolver(() => VideoConnection, { description: 'Videos featuring this character, newest first.' })
  async videos(@Root() character: Character, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return this.service.videosOf(ctx, character, page);
  }
}

/** `Video.characters`, owned by the characters feature. */
@Resolver(() => VideoType)
export class VideoCharactersResolver {
  @FieldResolver(() => [CharacterType], { description: 'Characters appearing in the video, in the order given.' })
  async characters(@Root() video: Video, @Ctx() ctx: RequestContext): Promise<Character[]> {
    const links = await ctx.loaders.charactersByVideo.load(video.id);
    return links.map((link) => link.character.getEntity());
  }
}
