import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { AppError, badInput, ErrorCode } from '../../errors';
import { Video } from '../videos/video.entity';
import { TERMINAL_STATUSES, VideoStatus } from '../videos/video.enums';
import type { TransitionHook } from '../videos/video.transitions';
import { TenantBudget } from './budget.entity';

/** Jobs whose estimated cost is charged: all but failed ones and those cancelled before the upstream accepted them. */
const CHARGED = {
  $or: [{ status: { $nin: [VideoStatus.FAILED, VideoStatus.CANCELLED] } }, { status: VideoStatus.CANCELLED, cancelledAfterSubmit: true }],
} satisfies FilterQuery<Video>;

/** Dollars ↔ micro-dollars. */
export const toMicros = (dollars: number): number => Math.round(dollars * 1_000_000);
export const toDollars = (micros: number): number => Math.round(micros) / 1_000_000;

/** Start of the calendar month (UTC) containing `at`, in epoch milliseconds. */
export function monthStart(at: Date): number {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
}

/** A tenant's budget as the API shows it. */
export interface BudgetView {
  monthlyLimit: number;
  committed: number;
  remaining: number;
  periodStart: Date;
  periodEnd: Date;
}

/**
 * Per-tenant monthly budgets. A job reserves its estimated cost when it is accepted, with a
 * single conditional UPDATE (`… where committed + cost <= limit`), so concurrent submissions can
 * never overrun the budget: the database serialises the updates and each re-checks the condition.
 * A job that fails, or is cancelled before the upstream accepted it, gives its reservation back
 * (failed renders are not billed); one cancelled later keeps it (the upstream bills the render).
 * Tenants without a budget row are not limited.
 */
export class BudgetService {
  /**
   * Reserves `cost` dollars for the tenant in `em`'s transaction.
   * @throws BUDGET_EXCEEDED with what remains; BAD_USER_INPUT when a budgeted tenant asks for a size with no known price.
   */
  async reserve(em: EntityManager, tenantId: string, cost: number | null, field = 'input'): Promise<void> {
    const now = new Date();
    const period = monthStart(now);
    if (cost === null) {
      if (await em.findOne(TenantBudget, { tenantId })) {
        throw badInput(field, 'The catalog has no price for this model and size, and this tenant has a budget, so it cannot be accounted for. Choose a priced size.');
      }
      return;
    }
    const micros = toMicros(cost);
    // A new month starts from zero; the same statement rolls the period over and reserves.
    const nextCommitted = 'case when period_start < ? then ? else committed_micros + ? end';
    const result = await em
      .getConnection()
      .execute(
        `update tenant_budget set committed_micros = ${nextCommitted}, period_start = case when period_start < ? then ? else period_start end ` +
          `where tenant_id = ? and ${nextCommitted} <= limit_micros`,
        [period, micros, micros, period, period, tenantId, period, micros, micros],
        'run',
        em.getTransactionContext(),
      );
    if ((result as { affectedRows?: number }).affectedRows === 1) return;
    const budget = await em.findOne(TenantBudget, { tenantId });
    if (!budget) return;
    const committed = budget.periodStart < period ? 0 : budget.committedMicros;
    const remaining = toDollars(Math.max(0, budget.limitMicros - committed));
    throw new AppError(
      ErrorCode.BUDGET_EXCEEDED,
      `This needs an estimated $${cost.toFixed(2)} but only $${remaining.toFixed(2)} of this month's $${toDollars(budget.limitMicros).toFixed(2)} budget remains.`,
      { field, estimatedCost: cost, remaining, monthlyLimit: toDollars(budget.limitMicros) },
    );
  }

  /** Checks that `cost` would fit without reserving it (storyboards check their whole length up front). */
  async ensureRoom(em: EntityManager, tenantId: string, cost: number | null, field: string): Promise<void> {
    const view = await this.view(em, tenantId);
    if (!view) return;
    if (cost === null) throw badInput(field, 'The catalog has no price for this model and size, and this tenant has a budget. Choose a priced size.');
    if (cost > view.remaining) {
      throw new AppError(ErrorCode.BUDGET_EXCEEDED, `This needs an estimated $${cost.toFixed(2)} but only $${view.remaining.toFixed(2)} of this month's budget remains.`, {
        field,
        estimatedCost: cost,
        remaining: view.remaining,
        monthlyLimit: view.monthlyLimit,
      });
    }
  }

  /**
   * Transition hook: a job that failed, or was cancelled before the upstream accepted it, gives
   * back what it reserved this period. A job cancelled after the upstream accepted it is rendered
   * and billed anyway, so it keeps its charge; one whose submission was accepted only after the
   * cancel (the request was already on its way) is charged again.
   */
  readonly onVideoTransition: TransitionHook = async (tx, before, after) => {
    if (!after.estimatedCost) return;
    const ended = !TERMINAL_STATUSES.has(before.status) && (after.status === VideoStatus.FAILED || after.status === VideoStatus.CANCELLED);
    const releases = ended && !(after.status === VideoStatus.CANCELLED && after.cancelledAfterSubmit);
    const recharges = TERMINAL_STATUSES.has(before.status) && !before.cancelledAfterSubmit && after.cancelledAfterSubmit;
    if (!releases && !recharges) return;
    const micros = toMicros(after.estimatedCost);
    // Only while the budget is still in the period the job was accepted in.
    const [sql, params] = releases
      ? ['update tenant_budget set committed_micros = case when committed_micros > ? then committed_micros - ? else 0 end where tenant_id = ? and period_start <= ?', [micros, micros]]
      : ['update tenant_budget set committed_micros = committed_micros + ? where tenant_id = ? and period_start <= ?', [micros]];
    await tx.getConnection().execute(sql, [...params, after.tenantId, after.createdAt.getTime()], 'run', tx.getTransactionContext());
  };

  /** Sets (or with null removes) a tenant's monthly limit; what was committed this month stays. */
  async set(em: EntityManager, tenantId: string, monthlyLimit: number | null): Promise<BudgetView | null> {
    if (monthlyLimit === null) {
      await em.nativeDelete(TenantBudget, { tenantId });
      return null;
    }
    if (!(monthlyLimit >= 0) || !Number.isFinite(monthlyLimit)) throw badInput('input.monthlyLimit', 'monthlyLimit must be a dollar amount of 0 or more (or null to remove the budget).');
    const period = monthStart(new Date());
    const committed = await this.committedThisPeriod(em, tenantId, period);
    await em.upsert(
      TenantBudget,
      { tenantId, limitMicros: toMicros(monthlyLimit), periodStart: period, committedMicros: committed },
      { onConflictFields: ['tenantId'], onConflictAction: 'merge', onConflictMergeFields: ['limitMicros'] },
    );
    return this.view(em, tenantId);
  }

  async view(em: EntityManager, tenantId: string): Promise<BudgetView | null> {
    const budget = await em.fork({ clear: true }).findOne(TenantBudget, { tenantId });
    if (!budget) return null;
    const period = monthStart(new Date());
    const committed = budget.periodStart < period ? 0 : budget.committedMicros;
    const start = new Date(Math.max(period, budget.periodStart));
    return {
      monthlyLimit: toDollars(budget.limitMicros),
      committed: toDollars(committed),
      remaining: toDollars(Math.max(0, budget.limitMicros - committed)),
      periodStart: start,
      periodEnd: new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)),
    };
  }

  /** What jobs accepted this period and still charged are estimated to cost (a new budget starts from it). */
  private async committedThisPeriod(em: EntityManager, tenantId: string, period: number): Promise<number> {
    const jobs = await em.find(
      Video,
      { tenantId, createdAt: { $gte: new Date(period) }, ...CHARGED },
      // The operator sets other tenants' budgets: read that tenant's jobs, not the caller's.
      { fields: ['estimatedCost'], filters: false },
    );
    return jobs.reduce((sum, job) => sum + toMicros(job.estimatedCost ?? 0), 0);
  }
}
