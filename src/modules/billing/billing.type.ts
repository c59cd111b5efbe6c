import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType('CostEstimate', { description: 'What a createVideo would cost, from the catalog, before anything is submitted.' })
export class CostEstimateType {
  @Field({ description: 'The model asked for.' })
  model!: string;

  @Field({ description: 'The snapshot it resolves to now (outside a canary).' })
  resolvedModel!: string;

  @Field({ description: 'The size priced, `WIDTHxHEIGHT`.' })
  size!: string;

  @Field(() => Int, { description: 'The duration priced, in seconds.' })
  seconds!: number;

  @Field(() => Float, { nullable: true, description: 'Dollars per second; null when the catalog has no price for the size.' })
  pricePerSecond!: number | null;

  @Field(() => Float, { nullable: true, description: 'Dollars; null when the price is unknown.' })
  estimatedCost!: number | null;

  @Field({ description: 'ISO 4217 code of every amount here; always `USD`.' })
  currency!: string;
}

@ObjectType('Budget', { description: 'The tenant\'s monthly spending cap (calendar month, UTC).' })
export class BudgetType {
  @Field(() => Float, { description: 'The cap in dollars per calendar month (UTC).' })
  monthlyLimit!: number;

  @Field(() => Float, { description: 'Estimated cost of jobs accepted this month, minus those that failed or were cancelled before the video service accepted them.' })
  committed!: number;

  @Field(() => Float, { description: 'Dollars left this month (`monthlyLimit - committed`, never below 0); a job whose estimate exceeds it is refused with BUDGET_EXCEEDED.' })
  remaining!: number;

  @Field(() => Date, { description: 'Start of the current month (UTC midnight on the 1st), inclusive.' })
  periodStart!: Date;

  @Field(() => Date, { description: 'Start of the next month (UTC), exclusive; `committed` starts again from 0 then.' })
  periodEnd!: Date;
}

@ObjectType('BudgetPayload', { description: 'Result of setBudget.' })
export class BudgetPayload {
  @Field(() => BudgetType, { nullable: true, description: 'Null when the budget was removed.' })
  budget!: BudgetType | null;
}

@InputType('SetBudgetInput', { description: 'A tenant\'s new monthly budget.' })
export class SetBudgetInput {
  @Field(() => String, { nullable: true, description: 'The tenant\'s slug; the caller\'s own tenant when omitted.' })
  tenant?: string;

  @Field(() => Float, { nullable: true, description: 'Dollars per calendar month; null removes the budget.' })
  monthlyLimit!: number | null;
}

@ObjectType('ModelSpend', { description: 'Spend of one snapshot in the period.' })
export class ModelSpendType {
  @Field({ description: 'The snapshot that ran the jobs.' })
  model!: string;

  @Field(() => Int, { description: 'Number of billed videos that ran on this snapshot.' })
  videos!: number;

  @Field(() => Int, { description: 'Billed seconds of video rendered on this snapshot.' })
  seconds!: number;

  @Field(() => Float, { description: 'Dollars billed for this snapshot.' })
  cost!: number;
}

@ObjectType('Spend', { description: 'What the tenant\'s videos cost in a period: completed ones, and ones cancelled after the video service accepted them (failed renders are not billed).' })
export class SpendType {
  @Field(() => Date, { description: 'Start of the period, inclusive (as asked).' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period, exclusive (as asked, or the time of the query).' })
  to!: Date;

  @Field(() => Float, { description: 'Dollars billed in the period, all models together.' })
  total!: number;

  @Field(() => Int, { description: 'Number of billed videos that ended in the period.' })
  videos!: number;

  @Field(() => Int, { description: 'Billed seconds of video in the period.' })
  seconds!: number;

  @Field(() => [ModelSpendType], { description: 'The same totals per snapshot, one entry each; empty when nothing was billed.' })
  byModel!: ModelSpendType[];

  @Field({ description: 'ISO 4217 code of every amount here; always `USD`.' })
  currency!: string;
}
