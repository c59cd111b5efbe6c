import { AppError, ErrorCode, listValues } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import type { Submitter } from '../../jobs/dispatcher';
import type { Upstreams } from '../../upstream/upstreams';
import type { Guardrails } from '../guardrails/guardrails';
import type { ModelRouter } from '../models/model-router';
import { VideoOperation } from '../videos/video.enums';
import { Video } from '../videos/video.entity';
import type { VideoService } from '../videos/video.service';
import { Extension, MAX_CHAIN_SECONDS, MAX_EXTENSIONS } from './extension.entity';
import type { ExtendVideoInput } from './extension.inputs';

/** What a new extension of `source` would be, or why it cannot be. */
export interface ChainPlan {
  index: number;
  rootId: string;
  totalSeconds: number;
}

/**
 * Checks the chain limits before anything is paid for: at most {@link MAX_EXTENSIONS} extensions
 * and {@link MAX_CHAIN_SECONDS} seconds, with errors that say how much is left.
 */
export function planExtension(source: Video, previous: Extension | undefined | null, seconds: number, durations: number[], field = 'input.seconds'): ChainPlan {
  const index = (previous?.index ?? 0) + 1;
  if (index > MAX_EXTENSIONS) {
    throw new AppError(ErrorCode.BAD_USER_INPUT, `This video is already extension ${MAX_EXTENSIONS} of its chain; a chain allows ${MAX_EXTENSIONS} extensions, so none remain.`, {
      field: 'input.videoId',
      remainingExtensions: 0,
    });
  }
  const remainingSeconds = MAX_CHAIN_SECONDS - source.seconds;
  const totalSeconds = source.seconds + seconds;
  if (totalSeconds > MAX_CHAIN_SECONDS) {
    const fitting = durations.filter((d) => d <= remainingSeconds);
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `Extending this ${source.seconds} s video by ${seconds} s would make ${totalSeconds} s; a chain is at most ${MAX_CHAIN_SECONDS} s, so ${remainingSeconds} s remain` +
        (fitting.length > 0 ? ` (use seconds ${listValues(fitting)}).` : ', less than the shortest segment.'),
      { field, allowed: fitting, remainingSeconds, remainingExtensions: MAX_EXTENSIONS - index + 1 },
    );
  }
  return { index, rootId: previous?.root.id ?? source.id, totalSeconds };
}

/** Extensions: continue a finished video; the result is the stitched whole. */
export class ExtensionService {
  constructor(
    private readonly videos: VideoService,
    private readonly router: ModelRouter,
    private readonly guardrails: Guardrails,
  ) {}

  /** Accepts an extension; `retryOf` marks it as `retryVideo`'s new attempt at that FAILED extension. */
  async extend(ctx: RequestContext, input: ExtendVideoInput, storyboardId?: string, retryOf?: Video): Promise<Extension> {
    const source = await this.videos.requireCompleted(ctx, input.videoId, 'extended');
    const resolved = this.router.resolveStored(ctx.warnings, source.resolvedModel ?? source.model, 'input.videoId');
    this.router.catalog.requireCapability(resolved.spec, 'extensions', 'input.videoId');
    this.router.catalog.checkOutput(resolved.spec, source.size, input.seconds);
    const previous = await ctx.loaders.extensionByVideo.load(source.id);
    const plan = planExtension(source, previous, input.seconds, resolved.spec.capabilities.durations);
    const prompt = await this.guardrails.prompt(input.prompt);
    const video = await this.videos.accept(ctx, {
      operation: VideoOperation.EXTEND,
      prompt,
      model: source.model,
      resolved,
      upstream: source.upstream,
      size: source.size,
      seconds: plan.totalSeconds,
      billedSeconds: input.seconds,
      source,
      storyboardId,
      idempotencyKey: input.idempotencyKey,
      retryOf,
      webhookUrl: input.webhookUrl ? await this.videos.checkWebhookUrl(ctx, input.webhookUrl) : undefined,
      request: { videoId: source.id, prompt, seconds: input.seconds },
      attach: (created, em) => {
        em.create(Extension, {
          tenantId: created.tenantId,
          index: plan.index,
          prompt,
          seconds: input.seconds,
          totalSeconds: plan.totalSeconds,
          source: em.getReference(Video, source.id),
          video: created,
          root: em.getReference(Video, plan.rootId),
        });
      },
    });
    return ctx.em.fork({ clear: true }).findOneOrFail(Extension, { video: video.id }, { populate: ['video'] });
  }
}

/** How EXTEND jobs go upstream: `POST /videos/extensions` with the source id and the new segment. */
export function extensionSubmitter(upstreams: Upstreams): [VideoOperation, Submitter] {
  return [
    VideoOperation.EXTEND,
    async (video, em) => {
      const extension = await em.fork({ clear: true }).findOne(Extension, { video: video.id }, { populate: ['source'] });
      const sourceId = extension?.source.getEntity().upstreamId;
      if (!extension || !sourceId) {
        throw new AppError(ErrorCode.UPSTREAM_ERROR, 'The video this extension continues was deleted or never reached the video service.');
      }
      return upstreams.get(video.upstream).extend(sourceId, extension.prompt, extension.seconds, video.id);
    },
  ];
}
