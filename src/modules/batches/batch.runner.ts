import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { ErrorCode } from '../../errors';
import { toGlobalId } from '../../graphql/relay';
import type { Dispatcher } from '../../jobs/dispatcher';
import type { Task } from '../../jobs/task.entity';
import type { TaskOutcome, TaskQueue } from '../../jobs/task-queue';
import { backoffMs } from '../../jobs/worker';
import type { Logger } from '../../logger';
import type { LocalStorage } from '../../storage/local-storage';
import { classifyUpstreamError } from '../../upstream/errors';
import { normalizeVideo } from '../../upstream/upstream-video';
import type { TenantJobLimits } from '../tenants/job-limits';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import { type JobError, jobErrorFromAppError, planCancelled, planFailed, planSubmitted } from '../videos/video.state';
import type { TransitionHook, VideoTransitions } from '../videos/video.transitions';
import { VIDEO_TYPE_NAME } from '../videos/video.type';
import { Batch, BatchMode, BatchStatus, TERMINAL_BATCH_STATUSES } from './batch.entity';
import { batchCounts } from './batch.counts';
import { BatchTask, type BatchService } from './batch.service';

/** How often the coalesced refresh (counts, pushes, finishing) may run per batch. */
const REFRESH_THROTTLE_MS = 500;
/** Upstream batch statuses and Reelgraph's. */
const UPSTREAM_STATUS: Record<string, BatchStatus> = {
  validating: BatchStatus.VALIDATING,
  in_progress: BatchStatus.IN_PROGRESS,
  finalizing: BatchStatus.FINALIZING,
  completed: BatchStatus.COMPLETED,
  failed: BatchStatus.FAILED,
  expired: BatchStatus.EXPIRED,
  cancelling: BatchStatus.CANCELLING,
  cancelled: BatchStatus.CANCELLED,
};
const UPSTREAM_ENDED = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Options of {@link BatchRunner}. */
export interface BatchRunnerOptions {
  /** IMMEDIATE mode: submissions in flight at once per batch. */
  concurrency: number;
  /** The per-tenant cap on active jobs. */
  jobLimits: TenantJobLimits;
  /** Runs in the transaction that moves a batch to a terminal status (outbound webhooks record their deliveries). */
  onFinished?: (tx: EntityManager, batch: Batch) => Promise<void>;
}

/**
 * Drives batches through three durable tasks:
 * - `batch.dispatch`: IMMEDIATE submits items `concurrency` at a time and pauses the whole batch
 *   for the upstream's retry-after on a 429; OFFLINE writes the JSONL and creates the upstream batch.
 * - `batch.poll` (OFFLINE): follows the upstream batch (also woken by `batch.*` webhooks) and, when
 *   it ends, maps every output and error line to its item by `custom_id`.
 * - `batch.refresh`: coalesced after item changes; pushes counts to subscribers and finishes the
 *   batch (with its JSONL export) once every item has settled.
 * One task per batch and kind runs at a time (leases), so no item is submitted twice.
 */
export class BatchRunner {
  constructor(
    private readonly batches: BatchService,
    private readonly dispatcher: Dispatcher,
    private readonly transitions: VideoTransitions,
    private readonly queue: TaskQueue,
    private readonly storage: LocalStorage,
    private readonly options: BatchRunnerOptions,
    private readonly logger: Logger,
  ) {}

  /** Transition hook: an item changed → refresh its batch soon (coalesced, same transaction). */
  readonly onVideoTransition: TransitionHook = async (tx, before, after) => {
    if (!after.batchId || before.status === after.status) return;
    await this.queue.scheduleCoalesced(tx, { kind: BatchTask.REFRESH, subjectId: after.batchId, tenantId: after.tenantId }, REFRESH_THROTTLE_MS);
  };

  readonly dispatch = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const batch = await em.findOne(Batch, { id: task.subjectId });
    if (!batch || TERMINAL_BATCH_STATUSES.has(batch.status)) return { done: true };
    if (batch.status === BatchStatus.CANCELLING && !batch.upstreamBatchId) {
      await this.cancelPending(em, batch);
      return { done: true };
    }
    return batch.mode === BatchMode.IMMEDIATE ? this.submitRound(task, em, batch) : this.startOffline(task, em, batch);
  };

  readonly poll = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const batch = await em.findOne(Batch, { id: task.subjectId });
    if (!batch || !batch.upstreamBatchId || TERMINAL_BATCH_STATUSES.has(batch.status) || batch.status === BatchStatus.FINALIZING) return { done: true };
    let upstream;
    try {
      upstream = await this.batches.client(batch).retrieveBatch(batch.upstreamBatchId);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      return { retryInMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(task.attempts, 2000, 60_000)), error: failure.error.message };
    }
    if (!UPSTREAM_ENDED.has(upstream.status)) {
      const status = UPSTREAM_STATUS[upstream.status] ?? BatchStatus.IN_PROGRESS;
      if (status !== batch.status && batch.status !== BatchStatus.CANCELLING) await this.update(em, batch, { status });
      const age = Date.now() - batch.createdAt.getTime();
      return { retryInMs: age < 60_000 ? 1000 : age < 600_000 ? 5000 : 30_000, healthy: true };
    }
    await this.mapResults(em, batch, upstream);
    return { done: true };
  };

  readonly refresh = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const batch = await em.findOne(Batch, { id: task.subjectId });
    if (!batch) return { done: true };
    const counts = (await batchCounts(em, [batch.id])).get(batch.id);
    const settled = counts !== undefined && counts.pending + counts.inProgress === 0;
    const finishing =
      batch.mode === BatchMode.IMMEDIATE
        ? batch.status === BatchStatus.IN_PROGRESS || batch.status === BatchStatus.CANCELLING
        : batch.status === BatchStatus.FINALIZING;
    if (settled && finishing && !TERMINAL_BATCH_STATUSES.has(batch.status)) {
      const exportKey = await this.writeExport(em, batch);
      await this.update(em, batch, { status: batch.outcome ?? BatchStatus.COMPLETED, completedAt: new Date(), exportKey });
    } else {
      this.batches.publish(batch);
    }
    return { done: true };
  };

  private async submitRound(task: Task, em: SqlEntityManager, batch: Batch): Promise<TaskOutcome> {
    // Submit only into the room the tenant's cap on active jobs leaves; wait when there is none.
    const room = await this.options.jobLimits.room(em, batch.tenantId);
    if (room === 0) return { retryInMs: 2000, healthy: true };
    const pending = await em.find(Video, { batchId: batch.id, status: VideoStatus.PENDING }, { orderBy: { id: 'asc' }, limit: Math.min(room, this.options.concurrency), fields: ['id'] });
    if (pending.length === 0) return { done: true };
    const results = await Promise.all(pending.map((video) => this.dispatcher.submit(em, video.id)));
    let pauseMs = 0;
    let reason: string | undefined;
    for (const [i, result] of results.entries()) {
      if (result.kind !== 'failed') continue;
      if (result.failure.retryable) {
        pauseMs = Math.max(pauseMs, result.failure.retryAfterMs ?? backoffMs(task.attempts));
        reason = result.failure.error.message;
      } else {
        await this.transitions.apply(em, pending[i].id, (current) => planFailed(current, jobErrorFromAppError(result.failure.error, false)));
      }
    }
    // A rate limit or outage pauses the whole batch, so it does not hammer the upstream.
    if (pauseMs > 0) return { retryInMs: pauseMs, error: reason };
    return { retryInMs: 0, healthy: true };
  }

  private async startOffline(task: Task, em: SqlEntityManager, batch: Batch): Promise<TaskOutcome> {
    if (batch.upstreamBatchId) return { done: true };
    // Items cancelled on their own (cancelVideo) before the upstream batch exists are not sent.
    const items = await em.find(Video, { batchId: batch.id, status: VideoStatus.PENDING }, { orderBy: { id: 'asc' }, fields: ['id', 'prompt', 'resolvedModel', 'model', 'size', 'seconds'] });
    if (items.length === 0) {
      // Every item was cancelled: nothing to send, the batch finishes with them.
      await this.update(em, batch, { status: BatchStatus.FINALIZING });
      await this.queue.scheduleCoalesced(em, { kind: BatchTask.REFRESH, subjectId: batch.id, tenantId: batch.tenantId }, 0);
      return { done: true };
    }
    // custom_id is Reelgraph's item id: unique, and maps results back without trusting client ids.
    const jsonl = items
      .map((item) => JSON.stringify({ custom_id: item.id, method: 'POST', url: '/v1/videos', body: { model: item.resolvedModel ?? item.model, prompt: item.prompt, size: item.size, seconds: String(item.seconds) } }))
      .join('\n');
    const metadata = { ...(batch.metadata ?? {}) };
    if (Object.keys(metadata).length < 16) metadata.reelgraph_batch = batch.id;
    let upstream;
    try {
      upstream = await this.batches.client(batch).createBatch(`${jsonl}\n`, metadata);
    } catch (error) {
      const failure = classifyUpstreamError(error);
      if (failure.retryable) return { retryInMs: Math.max(failure.retryAfterMs ?? 0, backoffMs(task.attempts, 2000)), error: failure.error.message };
      await this.failAll(em, batch, jobErrorFromAppError(failure.error, false));
      return { done: true };
    }
    await this.update(em, batch, { upstreamBatchId: upstream.id, status: UPSTREAM_STATUS[upstream.status] ?? BatchStatus.VALIDATING });
    await this.queue.schedule(em, { kind: BatchTask.POLL, subjectId: batch.id, tenantId: batch.tenantId, runAt: Date.now() + 1000 });
    return { done: true };
  }

  /** The upstream batch ended: apply every output and error line to its item, then let items settle. */
  private async mapResults(em: SqlEntityManager, batch: Batch, upstream: { status: string; outputFileId: string | null; errorFileId: string | null; errors: { code: string; message: string }[] }): Promise<void> {
    const client = this.batches.client(batch);
    const lines = [
      ...(upstream.outputFileId ? (await client.fileText(upstream.outputFileId)).split('\n') : []),
      ...(upstream.errorFileId ? (await client.fileText(upstream.errorFileId)).split('\n') : []),
    ];
    const seen = new Set<string>();
    const apply = async (line: string): Promise<void> => {
      if (!line.trim()) return;
      const row = JSON.parse(line) as { custom_id?: string; response?: { status_code?: number; body?: unknown } | null; error?: { code?: string; message?: string } | null };
      if (!row.custom_id) return;
      seen.add(row.custom_id);
      await this.transitions.apply(em, row.custom_id, (current) => {
        if (current.batchId !== batch.id) return null;
        if (row.response?.status_code === 200 && row.response.body) return planSubmitted(current, normalizeVideo(row.response.body));
        if (row.error?.code === 'batch_cancelled') return planCancelled(current);
        const body = (row.response?.body ?? {}) as { error?: { code?: string; message?: string } };
        const code = row.error?.code ?? body.error?.code ?? 'error';
        const message = row.error?.message ?? body.error?.message ?? 'The upstream batch reported no result for this item.';
        return planFailed(current, itemError(code, message));
      });
    };
    await runLimited(lines, 8, apply);
    // Items the upstream never mentioned: fail (or cancel) them rather than leave them pending.
    const missing = await em.find(Video, { batchId: batch.id, status: VideoStatus.PENDING }, { fields: ['id'] });
    const batchError = upstream.errors[0];
    await runLimited(missing.filter((v) => !seen.has(v.id)), 8, (video) =>
      this.transitions.apply(em, video.id, (current) =>
        upstream.status === 'cancelled'
          ? planCancelled(current)
          : planFailed(current, itemError(batchError?.code ?? (upstream.status === 'expired' ? 'batch_expired' : 'missing'), batchError?.message ?? `The upstream batch ended ${upstream.status} without a result for this item.`)),
      ),
    );
    this.logger.info({ batchId: batch.id, upstreamStatus: upstream.status, lines: seen.size, unmentioned: missing.filter((v) => !seen.has(v.id)).length }, 'upstream batch results mapped');
    const outcome = batch.status === BatchStatus.CANCELLING ? BatchStatus.CANCELLED : (UPSTREAM_STATUS[upstream.status] ?? BatchStatus.COMPLETED);
    await this.update(em, batch, { status: BatchStatus.FINALIZING, outcome, errorCode: batchError ? ErrorCode.UPSTREAM_ERROR : null, errorMessage: batchError?.message ?? null });
    await this.queue.scheduleCoalesced(em, { kind: BatchTask.REFRESH, subjectId: batch.id, tenantId: batch.tenantId }, 0);
  }

  private async cancelPending(em: SqlEntityManager, batch: Batch): Promise<void> {
    const pending = await em.find(Video, { batchId: batch.id, status: VideoStatus.PENDING }, { fields: ['id'] });
    await runLimited(pending, 8, (video) => this.transitions.apply(em, video.id, (current) => planCancelled(current)));
    if (batch.mode === BatchMode.OFFLINE) await this.update(em, batch, { status: BatchStatus.FINALIZING });
    await this.queue.scheduleCoalesced(em, { kind: BatchTask.REFRESH, subjectId: batch.id, tenantId: batch.tenantId }, 0);
  }

  private async failAll(em: SqlEntityManager, batch: Batch, error: JobError): Promise<void> {
    const pending = await em.find(Video, { batchId: batch.id, status: VideoStatus.PENDING }, { fields: ['id'] });
    await runLimited(pending, 8, (video) => this.transitions.apply(em, video.id, (current) => planFailed(current, error)));
    await this.update(em, batch, { status: BatchStatus.FINALIZING, outcome: BatchStatus.FAILED, errorCode: error.code, errorMessage: error.message });
    await this.queue.scheduleCoalesced(em, { kind: BatchTask.REFRESH, subjectId: batch.id, tenantId: batch.tenantId }, 0);
  }

  /** Writes `results.jsonl`: one line per item with its id, status and error. */
  private async writeExport(em: EntityManager, batch: Batch): Promise<string> {
    const key = `${batch.tenantId}/batches/${batch.id}/results.jsonl`;
    const lines: string[] = [];
    let after = '';
    for (;;) {
      const page = await em.find(Video, { batchId: batch.id, id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: 1000 });
      for (const v of page) {
        lines.push(
          JSON.stringify({
            customId: v.customId,
            videoId: toGlobalId(VIDEO_TYPE_NAME, v.id),
            status: v.status,
            model: v.model,
            resolvedModel: v.resolvedModel,
            size: v.size,
            seconds: v.seconds,
            estimatedCost: v.estimatedCost,
            error: v.errorCode ? { code: v.errorCode, message: v.errorMessage } : null,
          }),
        );
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].id;
    }
    await this.storage.write(key, Buffer.from(lines.length ? `${lines.join('\n')}\n` : ''));
    return key;
  }

  /**
   * Compare-and-set update of the batch row, then a push to subscribers. A cancel that raced this
   * update wins over a progress report (VALIDATING/IN_PROGRESS from the upstream).
   */
  private async update(em: EntityManager, batch: Batch, patch: Partial<Batch>): Promise<void> {
    let current = batch;
    for (let attempt = 0; attempt < 5; attempt++) {
      const next = { ...patch };
      if (current.status === BatchStatus.CANCELLING && (next.status === BatchStatus.VALIDATING || next.status === BatchStatus.IN_PROGRESS)) delete next.status;
      const finishing = next.status !== undefined && TERMINAL_BATCH_STATUSES.has(next.status) && !TERMINAL_BATCH_STATUSES.has(current.status);
      const updated = await em.transactional(async (tx) => {
        const count = await tx.nativeUpdate(Batch, { id: batch.id, version: current.version }, { ...next, version: current.version + 1, updatedAt: new Date() });
        if (count > 0 && finishing) await this.options.onFinished?.(tx, Object.assign(Object.create(Batch.prototype) as Batch, current, next));
        return count;
      });
      if (updated > 0) {
        Object.assign(batch, current, next, { version: current.version + 1 });
        this.batches.publish(batch);
        return;
      }
      current = await em.fork({ clear: true }).findOneOrFail(Batch, { id: batch.id });
    }
    throw new Error(`batch ${batch.id}: update lost five compare-and-set races`);
  }
}

/** A per-item job error from the upstream batch's words. */
function itemError(code: string, message: string): JobError {
  if (code === 'moderation_blocked') return { code: ErrorCode.CONTENT_POLICY_VIOLATION, message, retryable: false };
  if (code === 'batch_expired') return { code: ErrorCode.UPSTREAM_TIMEOUT, message: `The upstream batch expired before this item ran: ${message}`, retryable: true };
  return { code: ErrorCode.UPSTREAM_ERROR, message: `${message} (upstream code: ${code})`, retryable: !['invalid_value', 'invalid_request_error'].includes(code) };
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}

