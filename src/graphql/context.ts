import type { SqlEntityManager } from '@mikro-orm/knex';
import type { BatchLive } from '../modules/batches/batch.live';
import type { EventLog } from '../modules/events/event-log';
import type { StoryboardLive } from '../modules/storyboards/storyboard.live';
import type { VideoLive } from '../modules/videos/video.live';
import type { Loaders } from './loaders';

/** Who is asking. Every query and loader is scoped by `tenantId` in SQL. */
export interface Viewer {
  tenantId: string;
  role: 'admin' | 'member';
  /** Id of the API key used, when one was. */
  keyId?: string;
  /** True for the implicit local tenant (no keys configured, loopback only). */
  local: boolean;
  /** An admin of the operator tenant: may change deployment-wide settings (model pins, budgets). */
  operator?: boolean;
}

/** A non-fatal notice returned in the response's `extensions.warnings`. */
export interface Warning {
  code: string;
  message: string;
  field?: string;
}

/** Sources of live data for subscriptions (their `subscribe` functions cannot reach resolver instances). */
export interface Streams {
  videos: VideoLive;
  events: EventLog;
  storyboards: StoryboardLive;
  batches: BatchLive;
}

/**
 * Per-operation state: a tenant-scoped EntityManager and DataLoaders (both made on first use, so
 * an operation that reads nothing pays for neither), and warnings that the error policy copies
 * into `extensions` of the response.
 */
export interface RequestContext {
  viewer: Viewer;
  readonly em: SqlEntityManager;
  readonly loaders: Loaders;
  requestId: string;
  warnings: Warning[];
  streams: Streams;
  /**
   * Drops the EntityManager and loaders; the next use makes fresh ones. A subscription keeps one
   * context for its lifetime: releasing before each event reads relations as they are now, and
   * releasing while it waits keeps an idle subscription from holding an identity map.
   */
  release(): void;
}
