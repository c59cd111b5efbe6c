/**
 * The job state machine: `queued → in_progress → completed | failed`, with simulated progress,
 * real rendering, terminal webhooks, and removal of expired assets.
 */
import { rm } from 'node:fs/promises';
import type { ResolvedOptions } from './config';
import { INTERNAL_FAILURE, renderFailureFor } from './guardrails';
import type { ClipSpec, Renderer } from './render';
import { type Store, type VideoState, isExpired, nowSeconds } from './store';
import type { WebhookDispatcher } from './webhooks';

/** What a job renders: a fresh clip, or an extension stitched onto a staged source clip. */
export type RenderPlan = { kind: 'clip'; spec: ClipSpec } | { kind: 'extension'; segment: ClipSpec; totalSeconds: number };

/** How often expired assets are swept from disk (they are also refused and removed on access). */
const SWEEP_INTERVAL_MS = 15_000;

/**
 * Simulated progress: linear to 90 % over the expected time, then creeping toward 99 % while the
 * render is still queued behind others, so progress never freezes.
 */
export function simulatedProgress(v: VideoState, nowMs = Date.now()): number {
  if (v.status === 'completed') return 100;
  if (v.status === 'queued' || v.startedMs === null) return v.progress;
  const elapsed = Math.max(0, nowMs - v.startedMs);
  const expected = Math.max(1, v.expectedMs);
  const p =
    elapsed <= expected ? (90 * elapsed) / expected : 90 + 9 * (1 - Math.exp(-(elapsed - expected) / Math.max(expected, 1000)));
  return Math.min(99, Math.max(v.progress, Math.floor(p)));
}

/** Brings `v.progress` up to date (only while in progress; it never goes down). */
export function refreshProgress(v: VideoState): VideoState {
  if (v.status === 'in_progress') v.progress = simulatedProgress(v);
  return v;
}

/** Runs jobs; every timer and render is stopped by {@link close}. */
export class JobRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private readonly listeners = new Set<(v: VideoState) => void>();
  private readonly running = new Set<Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deps: { opts: ResolvedOptions; store: Store; renderer: Renderer; webhooks: WebhookDispatcher },
  ) {
    this.sweeper = setInterval(() => void this.sweepExpired(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Subscribes to terminal transitions (used by the batch runner). Returns an unsubscribe function. */
  onTerminal(fn: (v: VideoState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts a freshly stored `queued` job. */
  start(v: VideoState, plan: RenderPlan): void {
    this.later(this.deps.opts.timing.queuedMs, () => this.begin(v, plan));
  }

  /**
   * Picks up a job an earlier run accepted but did not finish: a queued one starts as usual; one
   * that was rendering renders again (the output of a killed ffmpeg is not trusted) but keeps its
   * start time, so its progress and minimum duration carry on instead of starting over.
   */
  resume(v: VideoState, plan: RenderPlan): void {
    if (v.status === 'queued') this.start(v, plan);
    else this.begin(v, plan);
  }

  /** Removes the files of an expired video (idempotent). */
  async expireAssets(v: VideoState): Promise<void> {
    if (v.assetsRemoved || !isExpired(v)) return;
    v.assetsRemoved = true;
    this.deps.store.saveVideo(v);
    await rm(this.deps.store.videoDir(v.id), { recursive: true, force: true });
  }

  /** Stops timers, kills renders and waits for their promises to settle. */
  async close(): Promise<void> {
    this.closing.abort(new Error('emulator closed'));
    clearInterval(this.sweeper);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const wake of [...this.wakers]) wake();
    await Promise.allSettled([...this.running]);
  }

  private begin(v: VideoState, plan: RenderPlan): void {
    const { opts, renderer, store } = this.deps;
    v.status = 'in_progress';
    const startedMs = (v.startedMs ??= Date.now());
    v.expectedMs = opts.timing.minRenderMs + opts.timing.perSecondMs * Number(v.seconds);
    store.saveVideo(v);
    const forced = renderFailureFor(opts, v.prompt);
    const signal = this.closing.signal;
    const dir = store.videoDir(v.id);
    // Forced failures skip ffmpeg entirely: nothing would be served anyway.
    const render = forced
      ? Promise.resolve()
      : plan.kind === 'clip'
        ? renderer.renderClip(dir, plan.spec, signal)
        : renderer.renderExtension(dir, plan.segment, plan.totalSeconds, signal);
    // close() wakes it early so `run` always settles and close() never waits on a cleared timer.
    const minimum = new Promise<void>((resolve) => {
      const done = () => {
        this.wakers.delete(done);
        resolve();
      };
      this.wakers.add(done);
      this.later(Math.max(0, startedMs + v.expectedMs - Date.now()), done);
    });
    const run = Promise.all([render, minimum]).then(
      () => (forced ? this.fail(v, forced) : this.complete(v)),
      (err: unknown) => {
        if (signal.aborted) return;
        opts.logger.error(`render of ${v.id} failed:`, (err as Error).message);
        this.fail(v, { ...INTERNAL_FAILURE });
      },
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private complete(v: VideoState): void {
    if (this.closing.signal.aborted) return;
    v.status = 'completed';
    v.progress = 100;
    v.completedAt = nowSeconds();
    v.expiresAt = v.completedAt + this.deps.opts.assetTtlSeconds;
    this.deps.store.saveVideo(v);
    this.terminal(v, 'video.completed');
  }

  private fail(v: VideoState, error: { code: string; message: string }): void {
    if (this.closing.signal.aborted) return;
    v.progress = simulatedProgress(v);
    v.status = 'failed';
    v.error = error;
    v.completedAt = nowSeconds();
    this.deps.store.saveVideo(v);
    this.terminal(v, 'video.failed');
  }

  private terminal(v: VideoState, type: 'video.completed' | 'video.failed'): void {
    this.deps.webhooks.emit(type, v.id);
    for (const fn of this.listeners) {
      try {
        fn(v);
      } catch (e) {
        this.deps.opts.logger.error('terminal listener failed:', (e as Error).message);
      }
    }
  }

  private async sweepExpired(): Promise<void> {
    for (const v of this.deps.store.videos.values()) {
      if (isExpired(v) && !v.assetsRemoved) await this.expireAssets(v).catch(() => undefined);
    }
  }

  private later(ms: number, fn: () => void): void {
    if (this.closing.signal.aborted) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
