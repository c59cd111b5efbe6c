import { Video } from './video.entity';

/** A video's state as JSON: what a change event carries, so subscribers need no database read. */
export interface VideoSnapshot {
  [key: string]: string | number | boolean | null;
}

const DATE_FIELDS = ['upstreamExpiresAt', 'createdAt', 'updatedAt', 'submittedAt', 'completedAt'] as const;

/** Serialises the row (relations as ids) for the event bus. */
export function toSnapshot(video: Video): VideoSnapshot {
  const snapshot: VideoSnapshot = {};
  for (const [key, value] of Object.entries(video)) {
    if (key === 'source') snapshot.sourceId = (value as { id?: string } | null | undefined)?.id ?? null;
    else if (value instanceof Date) snapshot[key] = value.toISOString();
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) snapshot[key] = value as string | number | boolean | null;
  }
  return snapshot;
}

/**
 * Revives a snapshot as a detached, read-only `Video` (not managed by any EntityManager). Field
 * resolvers read it like a loaded row; `source` carries only the id, which is all they use.
 */
export function fromSnapshot(snapshot: VideoSnapshot): Video {
  const { sourceId, ...fields } = snapshot;
  const video = Object.assign(Object.create(Video.prototype) as Video, fields);
  for (const key of DATE_FIELDS) {
    const value = snapshot[key];
    (video as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? new Date(value) : null;
  }
  (video as unknown as { source: { id: string } | null }).source = typeof sourceId === 'string' ? { id: sourceId } : null;
  return video;
}
