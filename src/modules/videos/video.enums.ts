/** Lifecycle of a video job. COMPLETED means playable from Reelgraph's own storage. */
export enum VideoStatus {
  PENDING = 'PENDING',
  QUEUED = 'QUEUED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** How a video was made; derived videos link to their source. */
export enum VideoOperation {
  CREATE = 'CREATE',
  REMIX = 'REMIX',
  EDIT = 'EDIT',
  EXTEND = 'EXTEND',
}

/** Stored asset kinds, as the upstream names them in `GET /videos/{id}/content?variant=`. */
export enum VideoVariant {
  VIDEO = 'VIDEO',
  THUMBNAIL = 'THUMBNAIL',
  SPRITESHEET = 'SPRITESHEET',
}

/** Orientation of the frame. */
export enum AspectRatio {
  LANDSCAPE_16_9 = 'LANDSCAPE_16_9',
  PORTRAIT_9_16 = 'PORTRAIT_9_16',
}

/** Statuses after which nothing changes any more. */
export const TERMINAL_STATUSES: ReadonlySet<VideoStatus> = new Set([VideoStatus.COMPLETED, VideoStatus.FAILED, VideoStatus.CANCELLED]);

/** Order of the non-terminal statuses; a transition may only move forward along it. */
export const STATUS_RANK: Record<VideoStatus, number> = {
  [VideoStatus.PENDING]: 0,
  [VideoStatus.QUEUED]: 1,
  [VideoStatus.IN_PROGRESS]: 2,
  [VideoStatus.COMPLETED]: 3,
  [VideoStatus.FAILED]: 3,
  [VideoStatus.CANCELLED]: 3,
};
