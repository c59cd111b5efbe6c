import { rm } from 'node:fs/promises';
import type { FilterQuery } from '@mikro-orm/core';
import { AppError, badInput, ErrorCode, notFound } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, keyset, type Page, type PageArgs, pageOf, pageRequest } from '../../graphql/relay';
import { inputHash, replayIfKnown, replayWinner } from '../../idempotency';
import { runFfmpeg } from '../../media/ffmpeg';
import type { LocalStorage } from '../../storage/local-storage';
import { classifyUpstreamError } from '../../upstream/errors';
import type { Upstreams } from '../../upstream/upstreams';
import type { Guardrails } from '../guardrails/guardrails';
import type { ModelRouter } from '../models/model-router';
import { UploadKind } from '../uploads/upload.entity';
import type { UploadService } from '../uploads/upload.service';
import type { Video } from '../videos/video.entity';
import { Character } from './character.entity';
import type { CreateCharacterInput } from './character.inputs';
import { VideoCharacter } from './video-character.entity';

/** Global type name of characters. */
export const CHARACTER_TYPE_NAME = 'Character';
/** The upstream accepts at most this many characters in one video. */
export const MAX_CHARACTERS_PER_VIDEO = 2;

/**
 * Characters: register a clip upstream once, reuse it in many videos. The upstream call happens
 * before anything is stored, so a refused clip (human likeness, not a video) writes nothing.
 */
export class CharacterService {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly router: ModelRouter,
    private readonly guardrails: Guardrails,
    private readonly uploads: UploadService,
    private readonly storage: LocalStorage,
  ) {}

  async create(ctx: RequestContext, input: CreateCharacterInput): Promise<Character> {
    const { em, viewer } = ctx;
    const name = input.name.trim();
    if (name.length === 0) throw badInput('input.name', 'name must contain text (1 to 80 characters).');
    // A character lives on the upstream of the model it is for; videos of that model can use it.
    const { spec } = this.router.catalog.lookup(input.model, 'input.model');
    this.router.catalog.requireCapability(spec, 'characters', 'input.model');
    this.guardrails.policy.check(name, 'input.name');
    const hash = inputHash({ name, uploadId: input.uploadId, upstream: spec.upstream });
    const replay = await replayIfKnown(em, Character, input.idempotencyKey, hash);
    if (replay) return replay;
    const clip = await this.uploads.require(em, input.uploadId, UploadKind.VIDEO, 'input.uploadId');
    const upstream = this.upstreams.get(spec.upstream);
    let created: { id: string };
    try {
      created = await upstream.createCharacter(name, { path: this.storage.pathOf(clip.storageKey), filename: clip.filename, contentType: clip.contentType });
    } catch (error) {
      throw classifyUpstreamError(error).error;
    }
    const character = em.create(Character, {
      tenantId: viewer.tenantId,
      name,
      upstream: upstream.name,
      upstreamId: created.id,
      sourceClip: clip,
      idempotencyKey: input.idempotencyKey ?? null,
      inputHash: hash,
    });
    character.thumbnailKey = await this.thumbnail(viewer.tenantId, character.id, this.storage.pathOf(clip.storageKey));
    this.uploads.markUsed([clip]);
    try {
      await em.flush();
    } catch (error) {
      return replayWinner(em, Character, input.idempotencyKey, hash, error);
    }
    return character;
  }

  async get(ctx: RequestContext, id: string): Promise<Character | undefined> {
    return ctx.loaders.characterById.load(id);
  }

  /** The viewer's characters, newest first. */
  async list(ctx: RequestContext, args: PageArgs): Promise<Page<Character>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    const rows = await ctx.em.find(Character, range ? { id: range } : {}, { orderBy: { id: orderBy }, limit });
    return pageOf(rows, request);
  }

  /** Videos featuring a character, newest first. */
  async videosOf(ctx: RequestContext, character: Character, args: PageArgs): Promise<Page<Video>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    const where: FilterQuery<VideoCharacter> = { character: character.id };
    if (range) where.video = range;
    const links = await ctx.em.find(VideoCharacter, where, { populate: ['video'], orderBy: { video: orderBy }, limit });
    return pageOf(links.map((link) => link.video.getEntity()), request);
  }

  /**
   * Resolves the characters of a new video: at most two, all the viewer's, on the video's upstream.
   * A character whose name the prompt does not contain gets a warning in the response extensions:
   * the upstream needs the name verbatim to keep the character in the shot.
   */
  async requireForVideo(ctx: RequestContext, globalIds: string[], prompt: string, upstream: string, field = 'input.characterIds'): Promise<Character[]> {
    if (globalIds.length > MAX_CHARACTERS_PER_VIDEO) {
      throw badInput(field, `A video can include at most ${MAX_CHARACTERS_PER_VIDEO} characters (got ${globalIds.length}).`);
    }
    const ids = globalIds.map((globalId, i) => expectGlobalId(globalId, CHARACTER_TYPE_NAME, `${field}[${i}]`));
    if (new Set(ids).size !== ids.length) throw badInput(field, `${field} lists the same character twice.`);
    const characters = await Promise.all(ids.map((id) => ctx.loaders.characterById.load(id)));
    return characters.map((character, i) => {
      if (!character) throw notFound(CHARACTER_TYPE_NAME, globalIds[i], `${field}[${i}]`);
      if (character.upstream !== upstream) {
        throw new AppError(ErrorCode.BAD_USER_INPUT, `Character '${character.name}' was registered on another video service than the one this model runs on.`, { field: `${field}[${i}]` });
      }
      if (!prompt.toLowerCase().includes(character.name.toLowerCase())) {
        ctx.warnings.push({
          code: 'CHARACTER_NOT_IN_PROMPT',
          field: `${field}[${i}]`,
          message: `The prompt does not mention '${character.name}'. Name the character verbatim in the prompt, or it may not appear in the shot.`,
        });
      }
      return character;
    });
  }

  /** A WebP still from the clip, kept as the character's thumbnail (none if the frame cannot be read). */
  private async thumbnail(tenantId: string, characterId: string, clipPath: string): Promise<string | null> {
    const key = `${tenantId}/characters/${characterId}/thumbnail.webp`;
    const temp = `${await this.storage.tempFile()}.webp`;
    try {
      await runFfmpeg(['-y', '-ss', '0.5', '-i', clipPath, '-frames:v', '1', '-vf', 'scale=320:-2', temp], { timeoutMs: 30_000 });
      await this.storage.adopt(temp, key);
      return key;
    } catch {
      return null;
    } finally {
      await rm(temp, { force: true });
    }
  }
}
