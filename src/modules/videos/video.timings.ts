import type { SqlEntityManager } from '@mikro-orm/knex';
import DataLoader from 'dataloader';
import { Video } from './video.entity';
import { VideoStatus } from './video.enums';

/** Completed jobs an estimate is drawn from: the most recent of the same shape. */
export const ESTIMATE_SAMPLE_SIZE = 20;

/** What recent completed jobs of one shape (snapshot, size, seconds) took, as medians. */
export interface RenderStats {
  /** Submitted → first seen rendering. */
  queuedMs: number;
  /** First seen rendering → COMPLETED (stored by Reelgraph). */
  renderMs: number;
  /** Jobs the medians come from (1 to {@link ESTIMATE_SAMPLE_SIZE}). */
  samples: number;
}

/** The shape a job's render time depends on; equal keys share one estimate query per request. */
export function shapeKey(video: Pick<Video, 'resolvedModel' | 'model' | 'size' | 'seconds'>): string {
  return JSON.stringify([video.resolvedModel ?? video.model, video.size, video.seconds]);
}

/** Middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per request: render statistics by {@link shapeKey}, one query per distinct shape however many
 * videos of it are on the page (indexed by tenant, status, snapshot, size, seconds, completion).
 * Only the viewer's own jobs count (the EntityManager is tenant-scoped). Undefined without data.
 */
export function createTimingLoader(em: SqlEntityManager): DataLoader<string, RenderStats | undefined> {
  return new DataLoader<string, RenderStats | undefined>((keys) =>
    Promise.all(
      keys.map(async (key) => {
        const [resolvedModel, size, seconds] = JSON.parse(key) as [string, string, number];
        const rows = await em.find(
          Video,
          { status: VideoStatus.COMPLETED, resolvedModel, size, seconds, startedAt: { $ne: null }, submittedAt: { $ne: null } },
          { fields: ['submittedAt', 'startedAt', 'completedAt'], orderBy: { completedAt: 'desc' }, limit: ESTIMATE_SAMPLE_SIZE },
        );
        if (rows.length === 0) return undefined;
        return {
          queuedMs: median(rows.map((r) => (r.startedAt as Date).getTime() - (r.submittedAt as Date).getTime())),
          renderMs: median(rows.map((r) => (r.completedAt as Date).getTime() - (r.startedAt as Date).getTime())),
          samples: rows.length,
        };
      }),
    ),
  );
}

/** Seconds between two instants; null unless both are known. */
function secondsBetween(from: Date | null | undefined, to: Date | null | undefined): number | null {
  return from && to ? (to.getTime() - from.getTime()) / 1000 : null;
}

/** Submitted → first seen rendering; null until it started (or when it never was seen rendering). */
export function queuedSeconds(video: Video): number | null {
  return secondsBetween(video.submittedAt, video.startedAt);
}

/** First seen rendering → COMPLETED; null unless COMPLETED with a known start. */
export function renderSeconds(video: Video): number | null {
  return video.status === VideoStatus.COMPLETED ? secondsBetween(video.startedAt, video.completedAt) : null;
}

/** Whether an estimate applies: QUEUED with a submission time, or IN_PROGRESS with a start time. */
export function isEstimable(video: Video): boolean {
  return (video.status === VideoStatus.QUEUED && Boolean(video.submittedAt)) || (video.status === VideoStatus.IN_PROGRESS && Boolean(video.startedAt));
}

/**
 * When a QUEUED or IN_PROGRESS job should be COMPLETED, from the medians of its shape: a queued
 * job waits the median queue time (or until now, if it already waited longer) and then renders
 * the median render time; a rendering job finishes the median render time after it started. Never
 * earlier than `now`. Null when no estimate applies ({@link isEstimable}) or without statistics.
 */
export function estimateCompletion(video: Video, stats: RenderStats | undefined, now: number = Date.now()): Date | null {
  if (!stats || !isEstimable(video)) return null;
  if (video.status === VideoStatus.QUEUED) {
    return new Date(Math.max(now, (video.submittedAt as Date).getTime() + stats.queuedMs) + stats.renderMs);
  }
  return new Date(Math.max(now, (video.startedAt as Date).getTime() + stats.renderMs));
}
