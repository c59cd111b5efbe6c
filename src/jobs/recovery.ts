import type { SqlEntityManager } from '@mikro-orm/knex';
import { Video } from '../modules/videos/video.entity';
import { VideoOperation } from '../modules/videos/video.enums';
import type { UpstreamClient } from '../upstream/client';
import type { UpstreamVideo } from '../upstream/upstream-video';

/** Upstream clocks may run behind ours: look this far before the row's creation time. */
const CLOCK_SKEW_SECONDS = 120;

/**
 * Finds the upstream job an earlier attempt at submitting `video` may have created: the attempt
 * reached the upstream, but the process died (or the response was lost) before the upstream id
 * was committed. Gateways that honour `Idempotency-Key` would hand the same job back on a resend;
 * others would start a second, billed, invisible one, so the upstream's recent jobs are searched
 * first: same prompt and size (and, for a plain create, model and length), created after the row,
 * and not already the job of another row. The oldest such job is the one the first attempt made.
 */
export async function findSubmitted(upstream: UpstreamClient, video: Video, em: SqlEntityManager): Promise<UpstreamVideo | undefined> {
  const since = Math.floor(video.createdAt.getTime() / 1000) - CLOCK_SKEW_SECONDS;
  const model = video.resolvedModel ?? video.model;
  const candidates = (await upstream.recent(since))
    .filter(({ video: job, prompt }) => prompt === video.prompt && (job.size === undefined || job.size === video.size))
    .filter(({ video: job }) =>
      video.operation !== VideoOperation.CREATE || ((job.model === undefined || job.model === model) && (job.seconds === undefined || job.seconds === video.seconds)),
    )
    .map(({ video: job }) => job);
  if (candidates.length === 0) return undefined;
  const owned = await em
    .fork({ clear: true })
    .find(Video, { upstream: video.upstream, upstreamId: { $in: candidates.map((job) => job.id) } }, { fields: ['upstreamId'] });
  const taken = new Set(owned.map((row) => row.upstreamId));
  // The list is newest first.
  return candidates.filter((job) => !taken.has(job.id)).at(-1);
}
