import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A tenant's monthly spending cap. Amounts are integer micro-dollars, so concurrent reservations
 * add up exactly; the period is the calendar month (UTC) that `periodStart` begins.
 */
@Entity({ tableName: 'tenant_budget' })
export class TenantBudget {
  @PrimaryKey({ length: 26 })
  tenantId!: string;

  @Property({ type: new BigIntType('number') })
  limitMicros!: number;

  /** Epoch milliseconds of the start of the current period (first of the month, UTC). */
  @Property({ type: new BigIntType('number') })
  periodStart!: number;

  /** Estimated cost of the jobs accepted this period, minus those that failed or were cancelled. */
  @Property({ type: new BigIntType('number') })
  committedMicros!: number;
}
