/**
 * Batch runner for `/v1/videos` batches: JSONL input → one video per valid line → JSONL output
 * and error files joined by `custom_id` (contract §5).
 *
 * Status flow: validating → in_progress → finalizing → completed; validating → failed when no
 * line is usable; cancelling → cancelled; expired when the completion window ends first.
 */
import { readFileSync } from 'node:fs';
import type { ResolvedOptions } from './config';
import { ApiError, notFound } from './errors';
import { batchId as newBatchId, batchRequestId } from './ids';
import type { JobRunner } from './jobs';
import { type Store, type VideoState, nowSeconds, toVideoObject } from './store';
import { MODELS, DEFAULT_MODEL } from './validation';
import { validateBatchCreate } from './batch-validation';
import { type Line, type StoredBatch, parseLine, safeJson } from './batch-lines';
import { writeOutputFile } from './files';
import type { VideoService } from './videos';
import type { WebhookDispatcher } from './webhooks';

/** Batch object as returned by the API (fields per the SDK's `Batch`). */
export interface BatchObject {
  id: string;
  object: 'batch';
  endpoint: string;
  errors: { object: 'list'; data: Array<{ code: string; line: number | null; message: string; param: string | null }> } | null;
  input_file_id: string;
  completion_window: string;
  status: 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  expires_at: number;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
  model: string | null;
  usage: null;
}

interface BatchState {
  seq: number;
  obj: BatchObject;
  lines: Line[];
  output: string[];
  errors: string[];
  inFlight: number;
  cancelRequested: boolean;
  timers: Set<NodeJS.Timeout>;
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Longest a batch change waits before it is persisted (see `save`). */
const SAVE_EVERY_MS = 200;

/** Runs batches; {@link close} clears every timer. */
export class BatchRunner {
  private readonly batches = new Map<string, BatchState>();
  private readonly byVideo = new Map<string, { batch: BatchState; line: Line }>();
  private seq = 0;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly dirty = new Set<BatchState>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { opts: ResolvedOptions; store: Store; jobs: JobRunner; videos: VideoService; webhooks: WebhookDispatcher },
  ) {
    this.unsubscribe = deps.jobs.onTerminal((v) => this.onVideoTerminal(v));
  }

  /**
   * Takes back the batches an earlier run persisted (before any resumed job can finish): lines
   * whose video is still rendering are waited for again, timers are re-armed, and steps that were
   * due (validation, cancellation, results) run again.
   */
  restore(stored: readonly StoredBatch[]): void {
    for (const s of [...stored].sort((a, b) => a.seq - b.seq)) {
      const b: BatchState = { ...s, inFlight: 0, timers: new Set() };
      this.batches.set(b.obj.id, b);
      this.seq = Math.max(this.seq, b.seq);
      if (TERMINAL.has(b.obj.status)) continue;
      const finished: VideoState[] = [];
      for (const l of b.lines.filter((x) => x.state === 'running')) {
        const v = l.videoId ? this.deps.store.videos.get(l.videoId) : undefined;
        // A line cut off before its video was stored is sent again.
        if (!v) {
          l.state = 'pending';
          continue;
        }
        b.inFlight += 1;
        this.byVideo.set(v.id, { batch: b, line: l });
        if (v.status === 'completed' || v.status === 'failed') finished.push(v);
      }
      this.later(b, Math.max(0, b.obj.expires_at * 1000 - Date.now()), () => this.expire(b));
      if (b.obj.status === 'validating') this.later(b, 0, () => this.validate(b, readFileSync(this.deps.store.filePath(b.obj.input_file_id), 'utf8')));
      else if (b.obj.status === 'cancelling') this.later(b, 0, () => this.settleCancel(b));
      else if (b.obj.status === 'finalizing') this.later(b, 0, () => this.writeResults(b, 'completed'));
      else this.later(b, 0, () => this.pump(b));
      for (const v of finished) this.later(b, 0, () => this.onVideoTerminal(v));
    }
  }

  /** `POST /batches`: validates the request and the file's single model, then starts validating. */
  create(body: Record<string, unknown>): BatchObject {
    const { store, opts } = this.deps;
    const req = validateBatchCreate(store, body);
    const text = readFileSync(store.filePath(req.inputFileId), 'utf8');
    const lines = text.split(/\r?\n/);
    const models = new Set<string>();
    for (const raw of lines) {
      // Blank lines (a JSONL file's final newline) are not requests and name no model.
      if (raw.trim() === '') continue;
      const parsed = safeJson(raw);
      const m = (parsed?.body as Record<string, unknown> | undefined)?.model ?? DEFAULT_MODEL;
      if (typeof m === 'string' && (MODELS as readonly string[]).includes(m)) models.add(m);
    }
    if (models.size > 1) {
      throw new ApiError(
        400,
        `The input file targets more than one model (${[...models].map((m) => `'${m}'`).join(', ')}); a video batch may target only one model.`,
        'invalid_request_error',
        'input_file_id',
        'invalid_value',
      );
    }
    const now = nowSeconds();
    const obj: BatchObject = {
      id: newBatchId(),
      object: 'batch',
      endpoint: '/v1/videos',
      errors: null,
      input_file_id: req.inputFileId,
      completion_window: '24h',
      status: 'validating',
      output_file_id: null,
      error_file_id: null,
      created_at: now,
      in_progress_at: null,
      expires_at: now + Math.ceil(opts.batchCompletionWindowMs / 1000),
      finalizing_at: null,
      completed_at: null,
      failed_at: null,
      expired_at: null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
      metadata: req.metadata,
      model: models.size ? [...models][0] : null,
      usage: null,
    };
    const b: BatchState = { seq: ++this.seq, obj, lines: [], output: [], errors: [], inFlight: 0, cancelRequested: false, timers: new Set() };
    this.batches.set(obj.id, b);
    this.later(b, opts.timing.queuedMs, () => this.validate(b, text));
    this.later(b, opts.batchCompletionWindowMs, () => this.expire(b));
    this.save(b, true);
    return this.view(b);
  }

  /** `GET /batches/{id}`. */
  get(id: string): BatchObject {
    return this.view(this.find(id));
  }

  /** `GET /batches`: newest first, cursor `after` (a batch id), `limit`. */
  list(after: string | undefined, limit: number): { data: BatchObject[]; has_more: boolean } {
    let all = [...this.batches.values()].sort((a, b) => b.seq - a.seq);
    if (after !== undefined) {
      const anchor = this.batches.get(after);
      if (!anchor) throw notFound('Batch', after, 'after');
      all = all.filter((b) => b.seq < anchor.seq);
    }
    return { data: all.slice(0, limit).map((b) => this.view(b)), has_more: all.length > limit };
  }

  /** `POST /batches/{id}/cancel`: returns the batch as `cancelling`; it ends `cancelled` shortly. */
  cancel(id: string): BatchObject {
    const b = this.find(id);
    const s = b.obj.status;
    if (s === 'cancelling' || s === 'cancelled') return this.view(b);
    if (TERMINAL.has(s) || s === 'finalizing') {
      throw new ApiError(409, `Cannot cancel batch '${id}' with status '${s}'.`, 'invalid_request_error', null, 'batch_not_cancellable');
    }
    b.cancelRequested = true;
    b.obj.status = 'cancelling';
    b.obj.cancelling_at = nowSeconds();
    this.save(b);
    // Answer 'cancelling' first; settle on a later tick so clients can observe both states.
    this.later(b, 0, () => this.settleCancel(b));
    return this.view(b);
  }

  private settleCancel(b: BatchState): void {
    if (b.lines.length === 0 && b.obj.in_progress_at === null) {
      this.validate(b, readFileSync(this.deps.store.filePath(b.obj.input_file_id), 'utf8'));
    }
    for (const l of b.lines) if (l.state === 'pending') this.endLine(b, l, 'batch_cancelled', 'This request was cancelled before it was executed.');
    this.maybeFinish(b);
    this.save(b);
  }

  /**
   * Persists a batch but its timers and in-flight count (restore rebuilds them). A batch is
   * rewritten whole on every change, so writes are coalesced (creation and the end go at once).
   */
  private save(b: BatchState, now = false): void {
    this.dirty.add(b);
    if (now) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), SAVE_EVERY_MS).unref();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const { seq, obj, lines, output, errors, cancelRequested } of this.dirty) {
      this.deps.store.state.saveBatch({ seq, obj, lines, output, errors, cancelRequested });
    }
    this.dirty.clear();
  }

  /** Clears timers and stops listening to jobs. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.flush();
    for (const b of this.batches.values()) for (const t of b.timers) clearTimeout(t);
  }

  private find(id: string): BatchState {
    const b = this.batches.get(id);
    if (!b) throw notFound('Batch', id);
    return b;
  }

  private view(b: BatchState): BatchObject {
    return structuredClone(b.obj);
  }

  /** Parses the JSONL; fails the batch when no line is usable, otherwise starts it. */
  private validate(b: BatchState, text: string): void {
    if (b.obj.status !== 'validating' && !(b.obj.status === 'cancelling' && b.lines.length === 0)) return;
    const seen = new Set<string>();
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      b.lines.push(parseLine(raw, i + 1, seen));
    });
    const usable = b.lines.filter((l) => !l.problem);
    if (usable.length === 0) {
      const data = b.lines.length
        ? b.lines.slice(0, 100).map((l) => ({ code: l.problem!.code, line: l.line, message: l.problem!.message, param: null }))
        : [{ code: 'empty_file', line: null, message: 'The input file is empty.', param: null }];
      b.obj.errors = { object: 'list', data };
      b.obj.status = 'failed';
      b.obj.failed_at = nowSeconds();
      this.clearTimers(b);
      this.save(b, true);
      this.deps.webhooks.emit('batch.failed', b.obj.id);
      return;
    }
    b.obj.request_counts.total = b.lines.length;
    if (!b.cancelRequested) {
      b.obj.status = 'in_progress';
      b.obj.in_progress_at = nowSeconds();
    }
    for (const l of b.lines) {
      if (l.problem) {
        l.state = 'done';
        const body = { error: { message: l.problem.message, type: 'invalid_request_error', param: null, code: l.problem.code } };
        this.errorLine(b, l, { status_code: 400, request_id: l.requestId, body }, null);
      }
    }
    this.pump(b);
  }

  /** Submits pending lines while under the batch's in-flight limit. */
  private pump(b: BatchState): void {
    const limit = Math.max(4, this.deps.opts.maxConcurrentRenders * 2);
    while (!this.closed && b.obj.status === 'in_progress' && b.inFlight < limit) {
      const l = b.lines.find((x) => x.state === 'pending');
      if (!l) break;
      l.state = 'running';
      b.inFlight += 1;
      this.deps.videos.create(l.body!, false, { kind: 'batch_item', batchId: b.obj.id }).then(
        (v) => {
          l.videoId = v.id;
          this.byVideo.set(v.id, { batch: b, line: l });
          this.save(b);
        },
        (e: unknown) => {
          b.inFlight -= 1;
          const err = e instanceof ApiError ? e : new ApiError(500, (e as Error).message, 'server_error');
          if (l.state === 'running') {
            l.state = 'done';
            this.errorLine(b, l, { status_code: err.status, request_id: l.requestId, body: err.toEnvelope() }, null);
          }
          this.pump(b);
          this.maybeFinish(b);
          this.save(b);
        },
      );
    }
    this.maybeFinish(b);
    this.save(b);
  }

  private onVideoTerminal(v: VideoState): void {
    const entry = this.byVideo.get(v.id);
    if (!entry) return;
    this.byVideo.delete(v.id);
    const { batch: b, line: l } = entry;
    b.inFlight -= 1;
    if (l.state === 'running') {
      l.state = 'done';
      b.output.push(
        JSON.stringify({
          id: batchRequestId(),
          custom_id: l.customId,
          response: { status_code: 200, request_id: l.requestId, body: toVideoObject(v) },
          error: null,
        }),
      );
      b.obj.request_counts.completed += 1;
    }
    this.pump(b);
    this.maybeFinish(b);
    this.save(b);
  }

  private endLine(b: BatchState, l: Line, code: 'batch_cancelled' | 'batch_expired', message: string): void {
    l.state = 'done';
    this.errorLine(b, l, null, { code, message });
  }

  private errorLine(b: BatchState, l: Line, response: unknown, error: { code: string; message: string } | null): void {
    b.errors.push(JSON.stringify({ id: batchRequestId(), custom_id: l.customId, response, error }));
    b.obj.request_counts.failed += 1;
  }

  /** Once every line is done: finalizing → completed, or cancelling → cancelled. */
  private maybeFinish(b: BatchState): void {
    if (b.lines.length === 0 || b.lines.some((l) => l.state !== 'done') || b.inFlight > 0) return;
    if (b.obj.status === 'in_progress') {
      b.obj.status = 'finalizing';
      b.obj.finalizing_at = nowSeconds();
      this.save(b);
      this.later(b, 0, () => this.writeResults(b, 'completed'));
    } else if (b.obj.status === 'cancelling') {
      this.writeResults(b, 'cancelled');
    }
  }

  private expire(b: BatchState): void {
    if (TERMINAL.has(b.obj.status)) return;
    for (const l of b.lines) {
      if (l.state !== 'done') this.endLine(b, l, 'batch_expired', 'This request could not be executed before the completion window expired.');
    }
    // Jobs still rendering finish on their own; their results no longer belong to the batch.
    for (const [videoId, entry] of this.byVideo) if (entry.batch === b) this.byVideo.delete(videoId);
    b.inFlight = 0;
    this.writeResults(b, 'expired');
    this.save(b);
  }

  private writeResults(b: BatchState, status: 'completed' | 'cancelled' | 'expired'): void {
    if (TERMINAL.has(b.obj.status)) return;
    const { store } = this.deps;
    if (b.output.length) b.obj.output_file_id = writeOutputFile(store, `${b.obj.id}_output.jsonl`, b.output).id;
    if (b.errors.length) b.obj.error_file_id = writeOutputFile(store, `${b.obj.id}_error.jsonl`, b.errors).id;
    b.obj.status = status;
    const now = nowSeconds();
    if (status === 'completed') b.obj.completed_at = now;
    if (status === 'cancelled') b.obj.cancelled_at = now;
    if (status === 'expired') b.obj.expired_at = now;
    this.clearTimers(b);
    this.save(b, true);
    this.deps.webhooks.emit(`batch.${status}`, b.obj.id);
  }

  private clearTimers(b: BatchState): void {
    for (const t of b.timers) clearTimeout(t);
    b.timers.clear();
  }

  private later(b: BatchState, ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      b.timers.delete(t);
      fn();
    }, ms);
    b.timers.add(t);
  }
}
