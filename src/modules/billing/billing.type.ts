import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType('CostEstimate', { description: 'What a createVideo would cost, from the catalog, before anything is submitted.' })
export class CostEstimateType {
  @Field({ description: 'The model asked for.' })
  model!: string;

  @Field({ description: 'The snapshot it resolves to now (outside a canary).' })
  resolvedModel!: string;

  @Field()
  size!: string;

  @Field(() => Int)
  seconds!: number;

  @Field(() => Float, { nullable: true, description: 'Dollars per second; null when the catalog has no price for the size.' })
  pricePerSecond!: number | null;

  @Field(() => Float, { nullable: true, description: 'Dollars; null when the price is unknown.' })
  estimatedCost!: number | null;

  @Field()
  currency!: string;
}

@ObjectType('Budget', { description: 'The tenant\'s monthly spending cap (calendar month, UTC).' })
export class BudgetType {
  @Field(() => Float)
  monthlyLimit!: number;

  @Field(() => Float, { description: 'Estimated cost of jobs accepted this month, minus those that failed or were cancelled before the video service accepted them.' })
  committed!: number;

  @Field(() => Float)
  remaining!: number;

  @Field(() => Date)
  periodStart!: Date;

  @Field(() => Date)
  periodEnd!: Date;
}

@ObjectType('BudgetPayload')
export class BudgetPayload {
  @Field(() => BudgetType, { nullable: true, description: 'Null when the budget was removed.' })
  budget!: BudgetType | null;
}

@InputType('SetBudgetInput')
export class SetBudgetInput {
  @Field(() => String, { nullable: true, description: 'The tenant\'s slug; the caller\'s own tenant when omitted.' })
  tenant?: string;

  @Field(() => Float, { nullable: true, description: 'Dollars per calendar month; null removes the budget.' })
  monthlyLimit!: number | null;
}

@ObjectType('ModelSpend')
export class ModelSpendType {
  @Field({ description: 'The snapshot that ran the jobs.' })
  model!: string;

  @Field(() => Int)
  videos!: number;

  @Field(() => Int)
  seconds!: number;

  @Field(() => Float)
  cost!: number;
}

@ObjectType('Spend', { description: 'What the tenant\'s videos cost in a period: completed ones, and ones cancelled after the video service accepted them (failed renders are not billed).' })
export class SpendType {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => Float)
  total!: number;

  @Field(() => Int)
  videos!: number;

  @Field(() => Int)
  seconds!: number;

  @Field(() => [ModelSpendType])
  byModel!: ModelSpendType[];

  @Field()
  currency!: string;
}
