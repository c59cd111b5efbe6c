import type { EntityManager } from '@mikro-orm/core';
import { AppError, ErrorCode } from '../../errors';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';

/**
 * A cap on how many jobs one tenant has with the upstream at once, so no tenant can take all of
 * the upstream's capacity or budget from the others. Counted from the job rows (queued or
 * rendering, plus single jobs about to be submitted); batch items still waiting their turn do not
 * count, and IMMEDIATE batches submit only into the room left. The check is made when a job is
 * accepted, so simultaneous requests can pass it together: the cap can be exceeded by at most
 * the number of requests arriving at the same instant.
 */
export class TenantJobLimits {
  constructor(readonly maxActive: number) {}

  /** Jobs the tenant may still start now. */
  async room(em: EntityManager, tenantId: string): Promise<number> {
    const active = await em.count(Video, {
      tenantId,
      $or: [{ status: { $in: [VideoStatus.QUEUED, VideoStatus.IN_PROGRESS] } }, { status: VideoStatus.PENDING, batchId: null }],
    });
    return Math.max(0, this.maxActive - active);
  }

  /** @throws RATE_LIMITED when the tenant is at its cap. */
  async ensureRoom(em: EntityManager, tenantId: string): Promise<void> {
    if ((await this.room(em, tenantId)) > 0) return;
    throw new AppError(
      ErrorCode.RATE_LIMITED,
      `This tenant already has ${this.maxActive} jobs in progress, the most allowed at once. Retry when some have finished.`,
      { limit: this.maxActive, retryAfterSeconds: 5 },
    );
  }
}
