import { Length } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';

const REASON = 'Why: kept in modelPinHistory for audit.';

@InputType('PinModelInput', { description: 'The alias to pin, the snapshot and why.' })
export class PinModelInput {
  @Field({ description: 'The alias, e.g. `sora-2`.' })
  model!: string;

  @Field({ description: 'One of the alias\'s snapshots.' })
  snapshot!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('RollbackModelPinInput', { description: 'The alias whose last pin change to undo, and why.' })
export class RollbackModelPinInput {
  @Field({ description: 'The alias, e.g. `sora-2`; one without a recorded change is a CONFLICT.' })
  model!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('StartModelCanaryInput', { description: 'The alias, the candidate snapshot, its share and why.' })
export class StartModelCanaryInput {
  @Field({ description: 'The alias, e.g. `sora-2`.' })
  model!: string;

  @Field({ description: 'The candidate snapshot.' })
  snapshot!: string;

  @Field(() => Float, { description: 'Share of new jobs, more than 0 and at most 100. Deterministic per job.' })
  percent!: number;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}

@InputType('StopModelCanaryInput', { description: 'The alias whose canary to end, and why.' })
export class StopModelCanaryInput {
  @Field({ description: 'The alias, e.g. `sora-2`; one without a running canary is a CONFLICT.' })
  model!: string;

  @Field({ description: REASON })
  @Length(1, 1000)
  reason!: string;
}
