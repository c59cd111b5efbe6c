import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../../graphql/relay';
import { PinAction } from './pin.entity';

export enum PinSourceEnum {
  ADMIN = 'ADMIN',
  CONFIG = 'CONFIG',
  DEFAULT = 'DEFAULT',
}
registerEnumType(PinSourceEnum, {
  name: 'PinSource',
  description: 'Where a model alias\'s snapshot comes from.',
  valuesConfig: {
    ADMIN: { description: 'Pinned at run time by an admin (recorded in modelPinHistory).' },
    CONFIG: { description: 'Pinned by the deployment (catalog file `pins` or MODEL_PINS).' },
    DEFAULT: { description: 'The catalog\'s default snapshot.' },
  },
});
registerEnumType(PinAction, { name: 'PinAction', description: 'What a pin change did.' });

@ObjectType('ModelLifecycle', { description: 'Dates are YYYY-MM-DD (UTC). Deprecated: accepted with a warning. Shut down: refused.' })
export class ModelLifecycleType {
  @Field(() => String, { nullable: true })
  released!: string | null;

  @Field(() => String, { nullable: true })
  deprecated!: string | null;

  @Field(() => String, { nullable: true })
  shutdown!: string | null;

  @Field(() => String, { nullable: true })
  replacement!: string | null;
}

@ObjectType('ModelSnapshot')
export class ModelSnapshotType extends ModelLifecycleType {
  @Field()
  id!: string;
}

@ObjectType('ModelCapabilities', { description: 'What requests the model accepts; every validation reads this.' })
export class ModelCapabilitiesType {
  @Field(() => [String])
  sizes!: string[];

  @Field(() => [Int])
  durations!: number[];

  @Field()
  extensions!: boolean;

  @Field()
  edits!: boolean;

  @Field()
  remix!: boolean;

  @Field()
  characters!: boolean;

  @Field()
  referenceImages!: boolean;

  @Field()
  batch!: boolean;
}

@ObjectType('ModelPrice')
export class ModelPriceType {
  @Field()
  size!: string;

  @Field(() => Float, { nullable: true, description: 'Dollars per second of output; null when no price is published.' })
  pricePerSecond!: number | null;
}

@ObjectType('ModelCanary', { description: 'A deterministic share of new jobs routed to a candidate snapshot.' })
export class ModelCanaryType {
  @Field()
  snapshot!: string;

  @Field(() => Float)
  percent!: number;
}

@ObjectType('VideoModel', { description: 'A model of the catalog: alias, snapshots, pin state, capabilities, prices and lifecycle.' })
export class VideoModelType {
  @Field({ description: 'The alias clients ask for, e.g. `sora-2`.' })
  id!: string;

  @Field()
  displayName!: string;

  @Field({ description: 'Name of the upstream that serves it.' })
  upstream!: string;

  @Field()
  defaultSnapshot!: string;

  @Field({ description: 'The snapshot new jobs of the alias run now (outside a canary).' })
  snapshot!: string;

  @Field(() => PinSourceEnum)
  pinSource!: PinSourceEnum;

  @Field(() => ModelCanaryType, { nullable: true })
  canary!: ModelCanaryType | null;

  @Field(() => [ModelSnapshotType])
  snapshots!: ModelSnapshotType[];

  @Field(() => ModelCapabilitiesType)
  capabilities!: ModelCapabilitiesType;

  @Field(() => [ModelPriceType])
  pricing!: ModelPriceType[];

  @Field(() => ModelLifecycleType)
  lifecycle!: ModelLifecycleType;
}

@ObjectType('ModelPinChange', { description: 'One recorded pin change: who, when, from, to and why.' })
export class ModelPinChangeType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The model alias.' })
  model!: string;

  @Field(() => PinAction)
  action!: PinAction;

  @Field({ description: 'Snapshot new jobs ran before the change.' })
  from!: string;

  @Field({ description: 'Snapshot new jobs run after the change (outside a canary).' })
  to!: string;

  @Field(() => String, { nullable: true })
  canarySnapshot!: string | null;

  @Field(() => Float, { nullable: true })
  canaryPercent!: number | null;

  @Field({ description: 'Who: an API key id, or `local`.' })
  actor!: string;

  @Field()
  reason!: string;

  @Field(() => Date)
  at!: Date;
}

/** `ModelPinChangeConnection`, newest first. */
export const ModelPinChangeConnection = connectionType(ModelPinChangeType, 'ModelPinChange');

@ObjectType('ModelPinPayload')
export class ModelPinPayload {
  @Field(() => VideoModelType)
  model!: VideoModelType;

  @Field(() => ModelPinChangeType)
  change!: ModelPinChangeType;
}
