import type { PubSub } from '@graphql-yoga/subscription';
import { notFound } from '../../errors';
import { openReloadingStream } from '../../events/reloading-stream';
import type { Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { Batch, TERMINAL_BATCH_STATUSES } from './batch.entity';
import { BATCH_TYPE_NAME } from './batch.service';

/**
 * `batchUpdated`: the current state, then the state after every change until the batch ends.
 * Item changes are coalesced by the refresh task (at most about two pushes a second per batch).
 */
export class BatchLive {
  constructor(private readonly pubsub: PubSub<Topics>) {}

  openUpdates(ctx: RequestContext, batchId: string, globalId: string): Promise<AsyncGenerator<Batch>> {
    return openReloadingStream(
      this.pubsub,
      'batch.changed',
      batchId,
      () => ctx.em.fork({ clear: true }).findOne(Batch, { id: batchId }),
      (batch) => TERMINAL_BATCH_STATUSES.has(batch.status),
      () => notFound(BATCH_TYPE_NAME, globalId, 'id'),
    );
  }
}
