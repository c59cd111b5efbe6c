/**
 * The objects one emulator instance is made of, passed to routes and services.
 */
import type { BatchRunner } from './batches';
import type { ResolvedOptions } from './config';
import type { FaultState } from './faults';
import type { IdempotencyKeys } from './idempotency';
import type { JobRunner } from './jobs';
import type { Renderer } from './render';
import type { RecordLog, Store } from './store';
import type { VideoService } from './videos';
import type { WebhookDispatcher } from './webhooks';

/** Everything a route handler may need. */
export interface EmulatorContext {
  opts: ResolvedOptions;
  store: Store;
  record: RecordLog;
  faults: FaultState;
  idempotency: IdempotencyKeys;
  renderer: Renderer;
  jobs: JobRunner;
  webhooks: WebhookDispatcher;
  videos: VideoService;
  batches: BatchRunner;
}
