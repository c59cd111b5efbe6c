import type { FilterQuery } from '@mikro-orm/core';
import { AppError, badInput, ErrorCode, notFound } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, keyset, type Page, type PageArgs, pageOf, pageRequest, toGlobalId } from '../../graphql/relay';
import { inputHash, replayIfKnown, replayWinner } from '../../idempotency';
import { ulid } from '../../ids';
import type { Dispatcher } from '../../jobs/dispatcher';
import { Task } from '../../jobs/task.entity';
import type { TaskQueue } from '../../jobs/task-queue';
import type { Worker } from '../../jobs/worker';
import type { Logger } from '../../logger';
import type { LocalStorage } from '../../storage/local-storage';
import type { Upstreams } from '../../upstream/upstreams';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Character } from '../characters/character.entity';
import type { CharacterService } from '../characters/character.service';
import { VideoCharacter } from '../characters/video-character.entity';
import { Batch, BatchMode } from '../batches/batch.entity';
import type { BudgetService } from '../billing/budget.service';
import type { Guardrails } from '../guardrails/guardrails';
import type { ResolvedModel } from '../models/catalog';
import type { ModelRouter } from '../models/model-router';
import { Upload, UploadKind } from '../uploads/upload.entity';
import type { TenantJobLimits } from '../tenants/job-limits';
import type { UploadService } from '../uploads/upload.service';
import type { ReferenceFetcher } from '../uploads/reference-url';
import { JobWebhook } from '../webhook-endpoints/webhook-endpoint.entity';
import { assetPrefix } from '../../jobs/custody';
import { Video } from './video.entity';
import { VideoOperation, VideoStatus } from './video.enums';
import type { CancelVideoInput, CreateVideoInput, DeleteVideoInput, RemixVideoInput, VideoFilter } from './video.inputs';
import { planCancelRequest, VideoTask } from './video.state';
import type { VideoTransitions } from './video.transitions';
import { VIDEO_TYPE_NAME } from './video.type';

/** Everything needed to accept a new job, whatever operation made it. */
export interface NewJob {
  /** Id for the job; generated when absent. Given when it was needed earlier (canary routing hashes it). */
  id?: string;
  operation: VideoOperation;
  prompt: string;
  model: string;
  resolved: ResolvedModel;
  upstream: string;
  size: string;
  seconds: number;
  /** Seconds the upstream renders (and bills): an extension's new segment; defaults to `seconds`. */
  billedSeconds?: number;
  source?: Video;
  idempotencyKey?: string;
  /** The request as the client sent it, for the idempotency hash. */
  request: Record<string, unknown>;
  /** Characters that appear in the video, in order. */
  characters?: Character[];
  /** First frame (an image upload of exactly `size`). */
  inputReference?: Upload;
  storyboardId?: string;
  /** The FAILED video this job submits again; its id replaces the request in the idempotency hash. */
  retryOf?: Video;
  /** A checked per-job callback URL, told about the job's terminal state. */
  webhookUrl?: string;
  /** Writes rows that belong to the job (an Extension record) in the same transaction as the job. */
  attach?: (video: Video, em: SqlEntityManager) => void;
}

/** Collaborators of {@link VideoService}. */
export interface VideoServiceDeps {
  router: ModelRouter;
  guardrails: Guardrails;
  budgets: BudgetService;
  jobLimits: TenantJobLimits;
  characters: CharacterService;
  uploads: UploadService;
  upstreams: Upstreams;
  queue: TaskQueue;
  worker: Worker;
  dispatcher: Dispatcher;
  transitions: VideoTransitions;
  storage: LocalStorage;
  logger: Logger;
  /** Checks a URL a tenant wants called (the outbound webhooks' SSRF and scheme rules). */
  checkWebhookTarget: (ctx: RequestContext, raw: string, field: string) => Promise<string>;
  references: ReferenceFetcher;
}

/**
 * Video use cases: create, remix, edit, cancel, delete, read. Inputs are validated against the model
 * catalog before any upstream call; a job row (PENDING) is written before the upstream is called,
 * so nothing is lost if the process dies mid-call.
 */
export class VideoService {
  constructor(private readonly deps: VideoServiceDeps) {}

  async get(ctx: RequestContext, id: string): Promise<Video | undefined> {
    return ctx.loaders.videoById.load(id);
  }

  /** Newest first; `first`/`after` page forward, `last`/`before` backward. */
  async list(ctx: RequestContext, args: PageArgs, filter?: VideoFilter): Promise<Page<Video>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    const where: FilterQuery<Video> = {};
    if (range) where.id = range;
    if (filter?.status?.length) where.status = { $in: filter.status };
    if (filter?.operation?.length) where.operation = { $in: filter.operation };
    const rows = await ctx.em.find(Video, where, { orderBy: { id: orderBy }, limit });
    for (const row of rows) ctx.loaders.videoById.prime(row.id, row);
    return pageOf(rows, request);
  }

  /** Accepts a new job; `retryOf` marks it as `retryVideo`'s new attempt at that FAILED video. */
  async create(ctx: RequestContext, input: CreateVideoInput, retryOf?: Video): Promise<Video> {
    const { catalog } = this.deps.router;
    const id = ulid();
    const resolved = await this.deps.router.resolve(ctx, input.model, id);
    catalog.checkOutput(resolved.spec, input.size, input.seconds);
    if (input.characterIds?.length) catalog.requireCapability(resolved.spec, 'characters', 'input.characterIds');
    if (input.inputReferenceUploadId) catalog.requireCapability(resolved.spec, 'referenceImages', 'input.inputReferenceUploadId');
    if (input.inputReferenceUrl) {
      if (input.inputReferenceUploadId) throw badInput('input.inputReferenceUrl', 'Give inputReferenceUploadId or inputReferenceUrl, not both.');
      catalog.requireCapability(resolved.spec, 'referenceImages', 'input.inputReferenceUrl');
    }
    const prompt = await this.deps.guardrails.prompt(input.prompt);
    const upstream = resolved.upstream;
    const characters = await this.deps.characters.requireForVideo(ctx, input.characterIds ?? [], prompt, upstream);
    const webhookUrl = input.webhookUrl ? await this.checkWebhookUrl(ctx, input.webhookUrl) : undefined;
    const request = {
      prompt,
      model: input.model,
      size: input.size,
      seconds: input.seconds,
      characterIds: input.characterIds,
      inputReferenceUploadId: input.inputReferenceUploadId,
      inputReferenceUrl: input.inputReferenceUrl,
    };
    // A retry of a job whose reference is fetched by URL returns the job without fetching again.
    if (input.inputReferenceUrl) {
      const replay = await replayIfKnown(ctx.em, Video, input.idempotencyKey, inputHash({ operation: VideoOperation.CREATE, ...request }));
      if (replay) return replay;
    }
    const inputReference = input.inputReferenceUploadId
      ? await this.requireReference(ctx, input.inputReferenceUploadId, input.size)
      : input.inputReferenceUrl
        ? await this.deps.references.fetch(ctx, input.inputReferenceUrl, input.size, 'input.inputReferenceUrl')
        : undefined;
    return this.accept(ctx, {
      id,
      operation: VideoOperation.CREATE,
      prompt,
      model: input.model,
      resolved,
      upstream,
      size: input.size,
      seconds: input.seconds,
      characters,
      inputReference,
      idempotencyKey: input.idempotencyKey,
      retryOf,
      webhookUrl,
      request,
    });
  }

  /** A per-job `webhookUrl` after the outbound webhook rules. @throws BAD_USER_INPUT naming `input.webhookUrl` */
  async checkWebhookUrl(ctx: RequestContext, raw: string): Promise<string> {
    return this.deps.checkWebhookTarget(ctx, raw, 'input.webhookUrl');
  }

  /** An image upload whose dimensions equal the requested size (the upstream uses it as the first frame). */
  private async requireReference(ctx: RequestContext, uploadId: string, size: string): Promise<Upload> {
    const field = 'input.inputReferenceUploadId';
    const upload = await this.deps.uploads.require(ctx.em, uploadId, UploadKind.IMAGE, field);
    const actual = `${upload.width}x${upload.height}`;
    if (actual !== size) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `The reference image is ${actual} but the video size is ${size}; they must be equal. Resize the image to ${size} or request size ${actual}.`, {
        field,
        expected: size,
        actual,
      });
    }
    return upload;
  }

  /** Remix (legacy upstream path) or edit (`/videos/edits`) of a COMPLETED video. */
  async derive(ctx: RequestContext, operation: VideoOperation.REMIX | VideoOperation.EDIT, input: RemixVideoInput, retryOf?: Video): Promise<Video> {
    const source = await this.requireCompleted(ctx, input.videoId, operation === VideoOperation.REMIX ? 'remixed' : 'edited');
    const resolved = this.deps.router.resolveStored(ctx.warnings, source.resolvedModel ?? source.model, 'input.videoId');
    this.deps.router.catalog.requireCapability(resolved.spec, operation === VideoOperation.REMIX ? 'remix' : 'edits', 'input.videoId');
    const prompt = await this.deps.guardrails.prompt(input.prompt);
    const webhookUrl = input.webhookUrl ? await this.checkWebhookUrl(ctx, input.webhookUrl) : undefined;
    return this.accept(ctx, {
      operation,
      webhookUrl,
      prompt,
      model: source.model,
      resolved,
      upstream: source.upstream,
      size: source.size,
      seconds: source.seconds,
      source,
      idempotencyKey: input.idempotencyKey,
      retryOf,
      request: { videoId: source.id, prompt },
    });
  }

  /** Loads a video by global id for a derivation and checks it finished. */
  async requireCompleted(ctx: RequestContext, globalId: string, verb: string, field = 'input.videoId'): Promise<Video> {
    const id = expectGlobalId(globalId, VIDEO_TYPE_NAME, field);
    const source = await ctx.em.findOne(Video, { id });
    if (!source) throw notFound(VIDEO_TYPE_NAME, globalId, field);
    if (source.status !== VideoStatus.COMPLETED) {
      throw new AppError(ErrorCode.CONFLICT, `Video '${globalId}' is ${source.status}; only a COMPLETED video can be ${verb}.`, { field });
    }
    return source;
  }

  /**
   * Records the job and submits it at once. An upstream refusal (bad input, moderation) removes
   * the row again and is returned as the error, so a refused request writes nothing; a transient
   * failure leaves the job PENDING with a retry scheduled.
   */
  async accept(ctx: RequestContext, job: NewJob): Promise<Video> {
    const { em, viewer } = ctx;
    // A retry's request is "the original again": the same key for the same original replays it.
    const hash = inputHash(job.retryOf ? { retryOf: job.retryOf.id } : { operation: job.operation, ...job.request });
    const replay = await replayIfKnown(em, Video, job.idempotencyKey, hash);
    if (replay) return replay;
    await this.deps.jobLimits.ensureRoom(em, viewer.tenantId);
    const estimatedCost = this.deps.router.catalog.estimateCost(job.resolved.spec, job.size, job.billedSeconds ?? job.seconds);
    const video = em.create(Video, {
      ...(job.id ? { id: job.id } : {}),
      tenantId: viewer.tenantId,
      operation: job.operation,
      prompt: job.prompt,
      model: job.model,
      resolvedModel: job.resolved.snapshot,
      upstream: job.upstream,
      size: job.size,
      seconds: job.seconds,
      source: job.source ? em.getReference(Video, job.source.id) : null,
      retryOf: job.retryOf ? em.getReference(Video, job.retryOf.id) : null,
      inputReference: job.inputReference ? em.getReference(Upload, job.inputReference.id) : null,
      storyboardId: job.storyboardId ?? null,
      idempotencyKey: job.idempotencyKey ?? null,
      inputHash: hash,
      estimatedCost,
    });
    (job.characters ?? []).forEach((character, position) => {
      em.create(VideoCharacter, { tenantId: viewer.tenantId, video, character, position });
    });
    this.deps.uploads.markUsed(job.inputReference ? [job.inputReference] : []);
    if (job.webhookUrl) em.create(JobWebhook, { tenantId: viewer.tenantId, videoId: video.id, url: job.webhookUrl });
    job.attach?.(video, em);
    const task = this.deps.queue.leased(em, { kind: VideoTask.SUBMIT, subjectId: video.id, tenantId: viewer.tenantId });
    // The budget reservation and the job commit together: a refused reservation leaves no job.
    await em.begin();
    try {
      await this.deps.budgets.reserve(em, viewer.tenantId, estimatedCost);
      await em.commit();
    } catch (error) {
      await em.rollback();
      em.clear();
      return replayWinner(em, Video, job.idempotencyKey, hash, error);
    }
    return this.submitInline(ctx, video, task);
  }

  private async submitInline(ctx: RequestContext, video: Video, task: Task): Promise<Video> {
    const { em } = ctx;
    const result = await this.deps.dispatcher.submit(em, video.id);
    if (result.kind === 'failed' && !result.failure.retryable) {
      await em.transactional(async (tx) => {
        await tx.nativeDelete(Task, { subjectId: video.id });
        await tx.nativeDelete(JobWebhook, { videoId: video.id });
        await tx.nativeDelete(Video, { id: video.id });
      });
      throw result.failure.error;
    }
    if (result.kind === 'failed') {
      const outcome = await this.deps.dispatcher.afterFailure(em, task, result.failure);
      await this.deps.worker.settle(task, outcome);
      const current = (await em.fork({ clear: true }).findOne(Video, { id: video.id })) ?? video;
      // Announce the PENDING row unless something (a cancel, say) already changed and announced it.
      if (current.version === video.version) await this.deps.transitions.announce(em, current);
      return current;
    }
    await this.deps.worker.settle(task, { done: true });
    return result.video ?? video;
  }

  /**
   * Cancels a job that has not ended (see {@link planCancelRequest} for what happens in each state
   * and what stays charged). Decided by compare-and-set through the one transition function, so a
   * submission, poll or custody step racing the cancel either lands first (and the cancel applies
   * to its result) or finds the job CANCELLED and changes nothing.
   * @throws NOT_FOUND for an unknown (or another tenant's) video; CONFLICT when it already ended.
   */
  async cancel(ctx: RequestContext, input: CancelVideoInput): Promise<Video> {
    const field = 'input.videoId';
    const id = expectGlobalId(input.videoId, VIDEO_TYPE_NAME, field);
    const video = await ctx.em.findOne(Video, { id });
    if (!video) throw notFound(VIDEO_TYPE_NAME, input.videoId, field);
    const context = { sentWithBatch: await this.sentWithBatch(ctx, video) };
    let ended: VideoStatus | undefined;
    const after = await this.deps.transitions.apply(ctx.em, id, (current) => {
      const plan = planCancelRequest(current, context);
      ended = plan ? undefined : current.status;
      return plan;
    });
    if (!after) throw notFound(VIDEO_TYPE_NAME, input.videoId, field);
    if (ended) {
      throw new AppError(ErrorCode.CONFLICT, `Video '${input.videoId}' is already ${ended}; only a PENDING, QUEUED or IN_PROGRESS video can be cancelled.`, { field, status: ended });
    }
    // The poll that deletes the upstream copy is due now.
    this.deps.worker.kick();
    return after;
  }

  /** Whether a PENDING video is an item of an OFFLINE batch the upstream already holds (it will be rendered). */
  private async sentWithBatch(ctx: RequestContext, video: Video): Promise<boolean> {
    if (video.status !== VideoStatus.PENDING || !video.batchId) return false;
    const batch = await ctx.em.findOne(Batch, { id: video.batchId }, { fields: ['mode', 'upstreamBatchId'] });
    return batch?.mode === BatchMode.OFFLINE && Boolean(batch.upstreamBatchId);
  }

  /**
   * Deletes a finished (or never submitted) video and its stored files. A job still rendering
   * upstream is refused: the upstream cannot cancel it, and its result would have nowhere to go.
   */
  async delete(ctx: RequestContext, input: DeleteVideoInput): Promise<string> {
    const id = expectGlobalId(input.videoId, VIDEO_TYPE_NAME, 'input.videoId');
    const video = await ctx.em.findOne(Video, { id });
    if (!video) throw notFound(VIDEO_TYPE_NAME, input.videoId, 'input.videoId');
    if (video.status === VideoStatus.QUEUED || video.status === VideoStatus.IN_PROGRESS) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `Video '${input.videoId}' is ${video.status}; it can be deleted once it is COMPLETED, FAILED or CANCELLED (cancelVideo stops it now).`,
        { field: 'input.videoId' },
      );
    }
    await ctx.em.transactional(async (tx) => {
      await tx.nativeDelete(Task, { subjectId: video.id });
      await tx.nativeDelete(JobWebhook, { videoId: video.id });
      await tx.nativeDelete(Video, { id: video.id });
    });
    await this.deps.storage.remove(assetPrefix(video));
    if (video.upstreamId) this.deleteUpstream(video);
    return toGlobalId(VIDEO_TYPE_NAME, video.id);
  }

  /** Best effort: the upstream copy expires on its own anyway, so a failure here is only logged. */
  private deleteUpstream(video: Video): void {
    const upstreamId = video.upstreamId as string;
    this.deps.upstreams
      .get(video.upstream)
      .delete(upstreamId)
      .catch((error: unknown) => this.deps.logger.info({ videoId: video.id, err: { message: (error as Error).message } }, 'upstream delete failed; its copy will expire'));
  }
}

/** Prompts must say something: whitespace alone is refused before any upstream call. */
export function checkPrompt(prompt: string, field = 'input.prompt'): string {
  if (prompt.trim().length === 0) throw badInput(field, `${field.split('.').pop()} must contain text (got only whitespace).`);
  return prompt;
}
