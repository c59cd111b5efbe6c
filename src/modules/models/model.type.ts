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
registerEnumType(PinAction, {
  name: 'PinAction',
  description: 'What a pin change did.',
  valuesConfig: {
    PIN: { description: 'pinModel pointed the alias at a snapshot (and ended any canary).' },
    ROLLBACK: { description: 'rollbackModelPin undid the previous change.' },
    CANARY_START: { description: 'startModelCanary began routing a share of new jobs to a candidate.' },
    CANARY_STOP: { description: 'stopModelCanary ended the canary; every new job runs `to` again.' },
  },
});

@ObjectType('ModelLifecycle', { description: 'Dates are YYYY-MM-DD (UTC). Deprecated: accepted with a warning. Shut down: refused.' })
export class ModelLifecycleType {
  @Field(() => String, { nullable: true, description: 'When it became available (YYYY-MM-DD); null when the catalog does not say.' })
  released!: string | null;

  @Field(() => String, { nullable: true, description: 'From when new jobs are accepted with a deprecation warning (YYYY-MM-DD); null when not deprecated.' })
  deprecated!: string | null;

  @Field(() => String, { nullable: true, description: 'From when new jobs are refused with MODEL_SHUT_DOWN (YYYY-MM-DD); null when no shutdown is announced.' })
  shutdown!: string | null;

  @Field(() => String, { nullable: true, description: 'The model or snapshot to move to; null when none is named.' })
  replacement!: string | null;
}

@ObjectType('ModelSnapshot', { description: 'One dated version of a model, with its own lifecycle.' })
export class ModelSnapshotType extends ModelLifecycleType {
  @Field({ description: 'The snapshot id, e.g. `sora-2-2025-10-06`; accepted wherever a model is asked for.' })
  id!: string;
}

@ObjectType('ModelCapabilities', { description: 'What requests the model accepts; every validation reads this.' })
export class ModelCapabilitiesType {
  @Field(() => [String], { description: 'Accepted `size` values, `WIDTHxHEIGHT`.' })
  sizes!: string[];

  @Field(() => [Int], { description: 'Accepted `seconds` values.' })
  durations!: number[];

  @Field({ description: 'Whether extendVideo accepts its videos.' })
  extensions!: boolean;

  @Field({ description: 'Whether editVideo accepts its videos.' })
  edits!: boolean;

  @Field({ description: 'Whether the deprecated remixVideo accepts its videos.', deprecationReason: 'Only the deprecated `remixVideo` reads it; check `edits` for `editVideo`.' })
  remix!: boolean;

  @Field({ description: 'Whether createVideo accepts `characterIds` and createCharacter registers characters for it.' })
  characters!: boolean;

  @Field({ description: 'Whether createVideo accepts a first-frame image (`inputReferenceUploadId` or `inputReferenceUrl`).' })
  referenceImages!: boolean;

  @Field({ description: 'Whether submitBatch accepts items of it.' })
  batch!: boolean;
}

@ObjectType('ModelPrice', { description: 'The price of one size of a model.' })
export class ModelPriceType {
  @Field({ description: 'The size priced, `WIDTHxHEIGHT`.' })
  size!: string;

  @Field(() => Float, { nullable: true, description: 'Dollars per second of output; null when no price is published.' })
  pricePerSecond!: number | null;
}

@ObjectType('ModelCanary', { description: 'A deterministic share of new jobs routed to a candidate snapshot.' })
export class ModelCanaryType {
  @Field({ description: 'The candidate snapshot that receives the share.' })
  snapshot!: string;

  @Field(() => Float, { description: 'Share of new jobs routed to it, more than 0 and at most 100.' })
  percent!: number;
}

@ObjectType('VideoModel', { description: 'A model of the catalog: alias, snapshots, pin state, capabilities, prices and lifecycle.' })
export class VideoModelType {
  @Field({ description: 'The alias clients ask for, e.g. `sora-2`.' })
  id!: string;

  @Field({ description: 'Human-readable name for pickers, e.g. "Sora 2 Pro".' })
  displayName!: string;

  @Field({ description: 'Name of the upstream that serves it.' })
  upstream!: string;

  @Field({ description: 'The catalog\'s default snapshot of the alias (what it runs without any pin).' })
  defaultSnapshot!: string;

  @Field({ description: 'The snapshot new jobs of the alias run now (outside a canary).' })
  snapshot!: string;

  @Field(() => PinSourceEnum, { description: 'Why `snapshot` is what it is: an admin pin, the deployment\'s configuration, or the catalog default.' })
  pinSource!: PinSourceEnum;

  @Field(() => ModelCanaryType, { nullable: true, description: 'The running canary; null when none runs.' })
  canary!: ModelCanaryType | null;

  @Field(() => [ModelSnapshotType], { description: 'Every snapshot of the alias, with their lifecycles.' })
  snapshots!: ModelSnapshotType[];

  @Field(() => ModelCapabilitiesType, { description: 'What requests it accepts (sizes, durations, operations).' })
  capabilities!: ModelCapabilitiesType;

  @Field(() => [ModelPriceType], { description: 'Price per second for each size; a size without a published price has a null price.' })
  pricing!: ModelPriceType[];

  @Field(() => ModelLifecycleType, { description: 'Release, deprecation and shutdown dates of the alias.' })
  lifecycle!: ModelLifecycleType;
}

@ObjectType('ModelPinChange', { description: 'One recorded pin change: who, when, from, to and why.' })
export class ModelPinChangeType {
  @Field(() => ID, { description: 'Opaque id of the change.' })
  id!: string;

  @Field({ description: 'The model alias.' })
  model!: string;

  @Field(() => PinAction, { description: 'What the change did.' })
  action!: PinAction;

  @Field({ description: 'Snapshot new jobs ran before the change.' })
  from!: string;

  @Field({ description: 'Snapshot new jobs run after the change (outside a canary).' })
  to!: string;

  @Field(() => String, { nullable: true, description: 'For CANARY_START, the candidate snapshot; null otherwise.' })
  canarySnapshot!: string | null;

  @Field(() => Float, { nullable: true, description: 'For CANARY_START, the share of new jobs routed to it; null otherwise.' })
  canaryPercent!: number | null;

  @Field({ description: 'Who: an API key id, or `local`.' })
  actor!: string;

  @Field({ description: 'Why, as given by the actor.' })
  reason!: string;

  @Field(() => Date, { description: 'When the change was made (UTC).' })
  at!: Date;
}

/** `ModelPinChangeConnection`, newest first. */
export const ModelPinChangeConnection = connectionType(ModelPinChangeType, 'ModelPinChange');

@ObjectType('ModelPinPayload', { description: 'Result of the pin and canary mutations.' })
export class ModelPinPayload {
  @Field(() => VideoModelType, { description: 'The model with its pin state after the change.' })
  model!: VideoModelType;

  @Field(() => ModelPinChangeType, { description: 'The change as recorded in modelPinHistory.' })
  change!: ModelPinChangeType;
}
