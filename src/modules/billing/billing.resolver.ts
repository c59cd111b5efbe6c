import { Arg, Ctx, FieldResolver, Float, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput } from '../../errors';
import { requireOperator } from '../../graphql/authz';
import { Tenant } from '../tenants/tenant.entity';
import type { RequestContext } from '../../graphql/context';
import { Video } from '../videos/video.entity';
import { VideoStatus } from '../videos/video.enums';
import { CreateVideoInput } from '../videos/video.inputs';
import { VideoType } from '../videos/video.type';
import type { BillingService } from './billing.service';
import { BudgetPayload, BudgetType, CostEstimateType, SetBudgetInput, SpendType } from './billing.type';
import type { BudgetService, BudgetView } from './budget.service';

@Resolver()
export class BillingResolver {
  constructor(
    private readonly billing: BillingService,
    private readonly budgets: BudgetService,
  ) {}

  @Query(() => CostEstimateType, { description: 'Prices a createVideo input with the same validation, without submitting anything.' })
  async estimateVideoCost(@Arg('input', () => CreateVideoInput, { description: 'The createVideo input to price; validated exactly like createVideo.' }) input: CreateVideoInput, @Ctx() ctx: RequestContext): Promise<CostEstimateType> {
    return this.billing.estimate(ctx, input);
  }

  @Query(() => SpendType, { description: 'What the viewer\'s videos that ended in [from, to) cost (completed ones, and ones cancelled after the video service accepted them); `to` defaults to now.' })
  async spend(@Arg('from', () => Date, { description: 'Start of the period (inclusive), an ISO 8601 date-time.' }) from: Date, @Arg('to', () => Date, { nullable: true, description: 'End of the period (exclusive), an ISO 8601 date-time; now when omitted.' }) to: Date | undefined, @Ctx() ctx: RequestContext): Promise<SpendType> {
    return this.billing.spend(ctx, from, to ?? new Date());
  }

  @Query(() => BudgetType, { nullable: true, description: 'The viewer\'s monthly budget; null when unlimited.' })
  async budget(@Ctx() ctx: RequestContext): Promise<BudgetView | null> {
    return this.budgets.view(ctx.em, ctx.viewer.tenantId);
  }

  @Mutation(() => BudgetPayload, { description: 'Sets or removes a tenant\'s monthly budget (operator admin). Enforced atomically: concurrent submissions cannot overrun it.' })
  async setBudget(@Arg('input', () => SetBudgetInput, { description: 'The tenant and its new limit.' }) input: SetBudgetInput, @Ctx() ctx: RequestContext): Promise<{ budget: BudgetView | null }> {
    requireOperator(ctx.viewer, 'Setting a budget');
    let tenantId = ctx.viewer.tenantId;
    if (input.tenant) {
      const tenant = await ctx.em.findOne(Tenant, { slug: input.tenant });
      if (!tenant) throw badInput('input.tenant', `No tenant '${input.tenant}' exists.`);
      tenantId = tenant.id;
    }
    return { budget: await this.budgets.set(ctx.em, tenantId, input.monthlyLimit ?? null) };
  }
}

/** `Video.cost`, owned by billing. */
@Resolver(() => VideoType)
export class VideoCostResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description:
      'Dollars charged: the catalog price of the snapshot and size times the seconds rendered (an extension pays for its new segment). ' +
      'Null while running or when no price is known. 0 when FAILED, or CANCELLED before the video service accepted the job; ' +
      'a job CANCELLED after that (QUEUED or IN_PROGRESS) is still rendered and billed upstream, so it keeps its estimated cost.',
  })
  cost(@Root() video: Video): number | null {
    if (video.status === VideoStatus.FAILED) return 0;
    if (video.status === VideoStatus.CANCELLED) return video.cancelledAfterSubmit ? (video.estimatedCost ?? null) : 0;
    return video.status === VideoStatus.COMPLETED ? (video.estimatedCost ?? null) : null;
  }
}
