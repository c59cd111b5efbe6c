import { Length } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';

const REASON = 'Why: kept in modelPinHistory for audit.';

@InputType('PinModelInput')
export class PinModelInput {
  @Field({ description: 'The alias, e.g. `sora-2`.' })
  model!: string;

  @Field({ description: 'One of the alias\'s snapshots.' })
  snapshot!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('RollbackModelPinInput')
export class RollbackModelPinInput {
  @Field()
  model!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('StartModelCanaryInput')
export class StartModelCanaryInput {
  @Field()
  model!: string;

  @Field({ description: 'The candidate snapshot.' })
  snapshot!: string;

  @Field(() => Float, { description: 'Share of new jobs, more than 0 and at most 100. Deterministic per job.' })
  percent!: number;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('StopModelCanaryInput')
export class StopModelCanaryInput {
  @Field()
  model!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}
