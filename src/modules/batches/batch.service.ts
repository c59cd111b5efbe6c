import type { FilterQuery } from '@mikro-orm/core';
import type { PubSub } from '@graphql-yoga/subscription';
import { AppError, badInput, ErrorCode, notFound } from '../../errors';
import type { Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, keyset, type Page, type PageArgs, pageOf, pageRequest } from '../../graphql/relay';
import { inputHash, replayIfKnown, replayWinner } from '../../idempotency';
import type { TaskQueue } from '../../jobs/task-queue';
import type { Worker } from '../../jobs/worker';
import type { LocalStorage } from '../../storage/local-storage';
import type { UpstreamClient } from '../../upstream/client';
import { classifyUpstreamError } from '../../upstream/errors';
import type { Upstreams } from '../../upstream/upstreams';
import type { BudgetService } from '../billing/budget.service';
import type { Guardrails } from '../guardrails/guardrails';
import type { ModelRouter } from '../models/model-router';
import type { UploadService } from '../uploads/upload.service';
import { Video } from '../videos/video.entity';
import { VideoOperation, type VideoStatus } from '../videos/video.enums';
import { Batch, BatchMode, BatchStatus, TERMINAL_BATCH_STATUSES } from './batch.entity';
import type { CancelBatchInput, SubmitBatchInput } from './batch.inputs';
import { checkMetadata, readItems } from './batch.items';

/** Global type name of batches. */
export const BATCH_TYPE_NAME = 'Batch';
/** Task kinds of the batch pipeline. */
export const BatchTask = {
  DISPATCH: 'batch.dispatch',
  POLL: 'batch.poll',
  REFRESH: 'batch.refresh',
} as const;

/** Rows inserted per statement when a batch's items are written. */
const INSERT_CHUNK = 500;

/** Collaborators of {@link BatchService}. */
export interface BatchServiceDeps {
  router: ModelRouter;
  guardrails: Guardrails;
  budgets: BudgetService;
  upstreams: Upstreams;
  uploads: UploadService;
  storage: LocalStorage;
  queue: TaskQueue;
  worker: Worker;
  pubsub: PubSub<Topics>;
}

/**
 * Batches: validate every item up front, write the batch and one PENDING job per item in one
 * transaction with the task that drives it, and let the runner submit them.
 */
export class BatchService {
  constructor(private readonly deps: BatchServiceDeps) {}

  async submit(ctx: RequestContext, input: SubmitBatchInput): Promise<Batch> {
    const { em, viewer } = ctx;
    const items = await readItems(ctx, input, this.deps.router, this.deps.guardrails, this.deps.uploads, this.deps.storage);
    const metadata = checkMetadata(input.metadata);
    if (input.mode === BatchMode.OFFLINE) {
      const models = [...new Set(items.map((item) => item.resolved.snapshot))];
      if (models.length > 1) {
        throw badInput('input.mode', `An OFFLINE batch runs one model (the upstream takes one model per input file); these items use ${models.join(' and ')}. Split the batch, or use IMMEDIATE.`);
      }
    }
    const hash = inputHash({ mode: input.mode, metadata, items: items.map(({ resolved: _resolved, ...item }) => item) });
    const replay = await replayIfKnown(em, Batch, input.idempotencyKey, hash);
    if (replay) return replay;

    const upstreams = [...new Set(items.map((item) => item.resolved.upstream))];
    if (upstreams.length > 1) throw badInput('input.items', 'The items use models served by different upstreams; submit one batch per upstream.');
    const upstream = upstreams[0];
    const batch = em.create(Batch, {
      tenantId: viewer.tenantId,
      mode: input.mode,
      status: input.mode === BatchMode.IMMEDIATE ? BatchStatus.IN_PROGRESS : BatchStatus.VALIDATING,
      total: items.length,
      upstream,
      metadata,
      idempotencyKey: input.idempotencyKey ?? null,
      inputHash: hash,
    });
    const now = new Date();
    const { catalog } = this.deps.router;
    const rows = items.map((item) => ({
      id: item.id,
      tenantId: viewer.tenantId,
      status: 'PENDING' as VideoStatus,
      progress: 0,
      prompt: item.prompt,
      model: item.model,
      resolvedModel: item.resolved.snapshot,
      upstream,
      size: item.size,
      seconds: item.seconds,
      operation: VideoOperation.CREATE,
      batchId: batch.id,
      customId: item.customId,
      estimatedCost: catalog.estimateCost(item.resolved.spec, item.size, item.seconds),
      version: 1,
      createdAt: now,
      updatedAt: now,
    }));
    try {
      await em.transactional(async (tx) => {
        tx.persist(batch);
        await tx.flush();
        // Items bypass the unit of work: tens of thousands of rows go in as multi-row inserts.
        for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertMany(Video, rows.slice(i, i + INSERT_CHUNK));
        // The whole batch reserves its budget at once: all of it fits, or nothing is stored.
        const costs = rows.map((row) => row.estimatedCost);
        await this.deps.budgets.reserve(tx, viewer.tenantId, costs.includes(null) ? null : costs.reduce((sum: number, c) => sum + (c as number), 0), 'input.items');
        await this.deps.queue.schedule(tx, { kind: BatchTask.DISPATCH, subjectId: batch.id, tenantId: viewer.tenantId });
      });
    } catch (error) {
      return replayWinner(em, Batch, input.idempotencyKey, hash, error);
    }
    this.deps.worker.kick();
    this.publish(batch);
    return batch;
  }

  /**
   * Stops new submissions: IMMEDIATE items not yet submitted are cancelled (by the runner, which
   * owns submission, so none is cancelled mid-submit); OFFLINE batches are cancelled upstream.
   * Items already with the upstream finish and keep their results. Ends CANCELLED.
   */
  async cancel(ctx: RequestContext, input: CancelBatchInput): Promise<Batch> {
    const batch = await this.require(ctx, input.batchId);
    if (batch.status === BatchStatus.CANCELLING || batch.status === BatchStatus.CANCELLED) return batch;
    if (TERMINAL_BATCH_STATUSES.has(batch.status)) {
      throw new AppError(ErrorCode.CONFLICT, `Batch '${input.batchId}' is already ${batch.status}; only a running batch can be cancelled.`, { field: 'input.batchId' });
    }
    if (batch.mode === BatchMode.OFFLINE && batch.upstreamBatchId) {
      try {
        await this.client(batch).cancelBatch(batch.upstreamBatchId);
      } catch (error) {
        throw classifyUpstreamError(error).error;
      }
    }
    const updated = await ctx.em.nativeUpdate(
      Batch,
      { id: batch.id, version: batch.version },
      { status: BatchStatus.CANCELLING, outcome: BatchStatus.CANCELLED, cancelledAt: new Date(), version: batch.version + 1, updatedAt: new Date() },
    );
    if (updated === 0) return this.cancel(ctx, input);
    await this.deps.queue.schedule(ctx.em, { kind: batch.mode === BatchMode.OFFLINE ? BatchTask.POLL : BatchTask.DISPATCH, subjectId: batch.id, tenantId: batch.tenantId });
    this.deps.worker.kick();
    this.publish(batch);
    return (await ctx.em.fork({ clear: true }).findOne(Batch, { id: batch.id })) ?? batch;
  }

  async list(ctx: RequestContext, args: PageArgs): Promise<Page<Batch>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    return pageOf(await ctx.em.find(Batch, range ? { id: range } : {}, { orderBy: { id: orderBy }, limit }), request);
  }

  /** The batch's items in submission order, optionally by status. */
  async videos(ctx: RequestContext, batch: Batch, args: PageArgs, status?: VideoStatus[]): Promise<Page<Video>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'asc');
    const where: FilterQuery<Video> = { batchId: batch.id };
    if (range) where.id = range;
    if (status?.length) where.status = { $in: status };
    return pageOf(await ctx.em.find(Video, where, { orderBy: { id: orderBy }, limit }), request);
  }

  /** Announces a change of the batch to subscribers. */
  publish(batch: Pick<Batch, 'id' | 'tenantId'>): void {
    this.deps.pubsub.publish('batch.changed', batch.id, { tenantId: batch.tenantId, batchId: batch.id });
  }

  client(batch: Batch): UpstreamClient {
    return this.deps.upstreams.get(batch.upstream);
  }

  private async require(ctx: RequestContext, globalId: string): Promise<Batch> {
    const id = expectGlobalId(globalId, BATCH_TYPE_NAME, 'input.batchId');
    const batch = await ctx.em.findOne(Batch, { id });
    if (!batch) throw notFound(BATCH_TYPE_NAME, globalId, 'input.batchId');
    return batch;
  }
}
