/** Upstream job status as the Videos API reports it. */
export type UpstreamStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

/**
 * The upstream Video object, normalised. Gateways differ (progress `null`, missing `prompt`,
 * extra keys, sizes that are not `WxH`), so everything beyond id and status is optional.
 */
export interface UpstreamVideo {
  id: string;
  status: UpstreamStatus;
  progress: number;
  model?: string;
  size?: string;
  seconds?: number;
  createdAt?: Date;
  completedAt?: Date;
  expiresAt?: Date;
  remixedFromVideoId?: string;
  error?: { code: string; message: string };
}

const STATUSES: ReadonlySet<string> = new Set(['queued', 'in_progress', 'completed', 'failed']);

/**
 * Reads a raw Video object leniently. Unknown statuses (a gateway's `processing`, `expired`) are
 * mapped to the nearest contract status so a job never stalls on a word Reelgraph has not seen.
 */
export function normalizeVideo(raw: unknown): UpstreamVideo {
  const v = (raw ?? {}) as Record<string, unknown>;
  if (typeof v.id !== 'string' || v.id === '') throw new Error('upstream video object has no id');
  const rawStatus = String(v.status ?? 'queued');
  const status: UpstreamStatus = STATUSES.has(rawStatus)
    ? (rawStatus as UpstreamStatus)
    : ['expired', 'cancelled', 'error'].includes(rawStatus)
      ? 'failed'
      : 'in_progress';
  const error = v.error as { code?: unknown; message?: unknown } | null | undefined;
  return {
    id: v.id,
    status,
    progress: clampProgress(v.progress),
    model: typeof v.model === 'string' ? v.model : undefined,
    size: typeof v.size === 'string' ? v.size : undefined,
    seconds: v.seconds === undefined || v.seconds === null ? undefined : Number(v.seconds),
    createdAt: epoch(v.created_at),
    completedAt: epoch(v.completed_at),
    expiresAt: epoch(v.expires_at),
    remixedFromVideoId: typeof v.remixed_from_video_id === 'string' ? v.remixed_from_video_id : undefined,
    error: error ? { code: String(error.code ?? 'unknown_error'), message: String(error.message ?? 'The upstream reported a failure without a message.') } : undefined,
  };
}

function clampProgress(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}

function epoch(value: unknown): Date | undefined {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? undefined : new Date(n * 1000);
}
