import { AppError, ErrorCode, notFound } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, toGlobalId } from '../../graphql/relay';
import { CHARACTER_TYPE_NAME } from '../characters/character.service';
import { VideoCharacter } from '../characters/video-character.entity';
import { Extension } from '../extensions/extension.entity';
import type { ExtensionService } from '../extensions/extension.service';
import { UPLOAD_TYPE_NAME } from '../uploads/upload.service';
import { Video } from './video.entity';
import { VideoOperation, VideoStatus } from './video.enums';
import type { RetryVideoInput } from './video.inputs';
import type { VideoService } from './video.service';
import { VIDEO_TYPE_NAME } from './video.type';

/** Fields of the retried request that the client did not send in `retryVideo` (errors about them point at `input.videoId`). */
const REQUEST_FIELDS = /^input\.(prompt|model|size|seconds|characterIds|inputReferenceUploadId)/;

/**
 * `retryVideo`: submits a FAILED video's request again as a NEW video linked to it (`retryOf`).
 * The request is rebuilt from the original's rows (prompt, the model as asked, size, seconds,
 * reference image, characters; a remix, edit or extension of the same source) and goes through
 * the same path as the mutation that made it: catalog validation, guardrails, budget, job limits
 * and idempotency. The original keeps its error.
 */
export class VideoRetries {
  constructor(
    private readonly videos: VideoService,
    private readonly extensions: ExtensionService,
  ) {}

  /** @throws NOT_FOUND for an unknown (or another tenant's) video; CONFLICT unless it is FAILED. */
  async retry(ctx: RequestContext, input: RetryVideoInput): Promise<Video> {
    const field = 'input.videoId';
    const id = expectGlobalId(input.videoId, VIDEO_TYPE_NAME, field);
    const original = await ctx.em.findOne(Video, { id });
    if (!original) throw notFound(VIDEO_TYPE_NAME, input.videoId, field);
    if (original.status !== VideoStatus.FAILED) {
      throw new AppError(ErrorCode.CONFLICT, `Video '${input.videoId}' is ${original.status}; only a FAILED video can be retried.`, { field, status: original.status });
    }
    try {
      return await this.resubmit(ctx, original, input.idempotencyKey);
    } catch (error) {
      throw pointAtOriginal(error, input.videoId);
    }
  }

  private async resubmit(ctx: RequestContext, original: Video, idempotencyKey: string | undefined): Promise<Video> {
    const sourceId = original.source?.id;
    switch (original.operation) {
      case VideoOperation.CREATE: {
        const links = await ctx.em.find(VideoCharacter, { video: original.id }, { orderBy: { position: 'asc' } });
        const characterIds = links.map((link) => toGlobalId(CHARACTER_TYPE_NAME, link.character.id));
        const referenceId = original.inputReference?.id;
        return this.videos.create(
          ctx,
          {
            prompt: original.prompt,
            model: original.model,
            size: original.size,
            seconds: original.seconds,
            characterIds: characterIds.length > 0 ? characterIds : undefined,
            inputReferenceUploadId: referenceId ? toGlobalId(UPLOAD_TYPE_NAME, referenceId) : undefined,
            idempotencyKey,
          },
          original,
        );
      }
      case VideoOperation.REMIX:
      case VideoOperation.EDIT:
        return this.videos.derive(ctx, original.operation, { videoId: this.sourceGlobalId(original, sourceId), prompt: original.prompt, idempotencyKey }, original);
      case VideoOperation.EXTEND: {
        const extension = await ctx.em.findOne(Extension, { video: original.id });
        if (!extension) throw this.sourceGone(original);
        const extended = await this.extensions.extend(
          ctx,
          { videoId: this.sourceGlobalId(original, extension.source.id), prompt: extension.prompt, seconds: extension.seconds, idempotencyKey },
          undefined,
          original,
        );
        return extended.video.getEntity();
      }
      default:
        throw new Error(`no retry for operation ${String(original.operation)}`);
    }
  }

  private sourceGlobalId(original: Video, sourceId: string | undefined): string {
    if (!sourceId) throw this.sourceGone(original);
    return toGlobalId(VIDEO_TYPE_NAME, sourceId);
  }

  private sourceGone(original: Video): AppError {
    return new AppError(ErrorCode.CONFLICT, `Video '${toGlobalId(VIDEO_TYPE_NAME, original.id)}' was made from a video that has since been deleted, so it cannot be retried.`, {
      field: 'input.videoId',
    });
  }
}

/**
 * Errors about the rebuilt request name fields the client never sent: point them at the original
 * instead, saying which part of it no longer passes (a model since shut down, a deleted character).
 */
function pointAtOriginal(error: unknown, globalId: string): unknown {
  if (!(error instanceof AppError)) return error;
  const field = error.extensions.field;
  if (typeof field === 'string' && REQUEST_FIELDS.test(field)) {
    const { code: _code, ...details } = error.extensions;
    return new AppError(error.code, `Video '${globalId}' cannot be submitted again as it was requested: ${error.message}`, { ...details, field: 'input.videoId', requestField: field });
  }
  return error;
}
