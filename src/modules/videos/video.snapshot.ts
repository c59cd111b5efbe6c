import { Video } from './video.entity';

/** A video's state as JSON: what a change event carries, so subscribers need no database read. */
export interface VideoSnapshot {
  [key: string]: string | number | boolean | null;
}

const DATE_FIELDS = ['upstreamExpiresAt', 'createdAt', 'updatedAt', 'submittedAt', 'startedAt', 'completedAt'] as const;
/** Relations carried as ids (`source` → `sourceId`); field resolvers only read their id. */
const RELATIONS = ['source', 'retryOf'] as const;

/** Serialises the row (relations as ids) for the event bus. */
export function toSnapshot(video: Video): VideoSnapshot {
  const snapshot: VideoSnapshot = {};
  for (const [key, value] of Object.entries(video)) {
    if ((RELATIONS as readonly string[]).includes(key)) snapshot[`${key}Id`] = (value as { id?: string } | null | undefined)?.id ?? null;
    else if (value instanceof Date) snapshot[key] = value.toISOString();
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) snapshot[key] = value as string | number | boolean | null;
  }
  return snapshot;
}

/**
 * Revives a snapshot as a detached, read-only `Video` (not managed by any EntityManager). Field
 * resolvers read it like a loaded row; relations carry only the id, which is all they use.
 */
export function fromSnapshot(snapshot: VideoSnapshot): Video {
  const fields: VideoSnapshot = { ...snapshot };
  for (const relation of RELATIONS) delete fields[`${relation}Id`];
  const video = Object.assign(Object.create(Video.prototype) as Video, fields);
  for (const key of DATE_FIELDS) {
    const value = snapshot[key];
    (video as unknown as Record<string, unknown>)[key] = typeof value === 'string' ? new Date(value) : null;
  }
  for (const relation of RELATIONS) {
    const id = snapshot[`${relation}Id`];
    (video as unknown as Record<string, { id: string } | null>)[relation] = typeof id === 'string' ? { id } : null;
  }
  return video;
}
