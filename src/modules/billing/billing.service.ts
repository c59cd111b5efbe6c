import { raw } from '@mikro-orm/core';
import { badInput } from '../../errors';
import type { RequestContext } from '../../graphql/context';
import { ulid } from '../../ids';
import type { ModelRouter } from '../models/model-router';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import type { CreateVideoInput } from '../videos/video.inputs';
import type { CostEstimateType, SpendType } from './billing.type';

/** Estimates and spend reports. */
export class BillingService {
  constructor(private readonly router: ModelRouter) {}

  /** Validates like createVideo (model, lifecycle, size, seconds) and prices it; submits nothing. */
  async estimate(ctx: RequestContext, input: CreateVideoInput): Promise<CostEstimateType> {
    const resolved = await this.router.resolve(ctx, input.model, ulid());
    this.router.catalog.checkOutput(resolved.spec, input.size, input.seconds);
    const pinned = resolved.via === 'CANARY' ? (await this.router.pins.state(ctx.em, resolved.spec.id)).snapshot : resolved.snapshot;
    return {
      model: input.model,
      resolvedModel: pinned,
      size: input.size,
      seconds: input.seconds,
      pricePerSecond: this.router.catalog.price(resolved.spec, input.size),
      estimatedCost: this.router.catalog.estimateCost(resolved.spec, input.size, input.seconds),
      currency: 'USD',
    };
  }

  /** What the viewer's videos that ended charged in [from, to) cost, by snapshot (one grouped query). */
  async spend(ctx: RequestContext, from: Date, to: Date): Promise<SpendType> {
    if (!(to > from)) throw badInput('to', '`to` must be after `from`.');
    const rows: { model: string | null; videos: number | string; seconds: number | string; cost: number | string | null }[] = await ctx.em
      .createQueryBuilder(Video)
      .select([raw('resolved_model as model'), raw('count(*) as videos'), raw('sum(seconds) as seconds'), raw('sum(estimated_cost) as cost')])
      .where({
        tenantId: ctx.viewer.tenantId,
        completedAt: { $gte: from, $lt: to },
        // Cancelled after the upstream accepted it: rendered and billed all the same.
        $or: [{ status: VideoStatus.COMPLETED }, { status: VideoStatus.CANCELLED, cancelledAfterSubmit: true }],
      })
      .groupBy('resolvedModel')
      .execute('all', false);
    const byModel = rows.map((r) => ({ model: r.model ?? 'unknown', videos: Number(r.videos), seconds: Number(r.seconds), cost: Math.round(Number(r.cost ?? 0) * 10_000) / 10_000 }));
    return {
      from,
      to,
      total: Math.round(byModel.reduce((sum, m) => sum + m.cost, 0) * 10_000) / 10_000,
      videos: byModel.reduce((sum, m) => sum + m.videos, 0),
      seconds: byModel.reduce((sum, m) => sum + m.seconds, 0),
      byModel,
      currency: 'USD',
    };
  }
}
