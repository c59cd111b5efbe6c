import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { actorOf, requireOperator } from '../../graphql/authz';
import type { RequestContext } from '../../graphql/context';
import { PageArgs, toGlobalId } from '../../graphql/relay';
import type { ModelSpec } from './catalog';
import { PinModelInput, RollbackModelPinInput, StartModelCanaryInput, StopModelCanaryInput } from './model.inputs';
import type { ModelRouter } from './model-router';
import { ModelPinChangeConnection, ModelPinChangeType, ModelPinPayload, type PinSourceEnum, VideoModelType } from './model.type';
import type { ModelPinChange } from './pin.entity';
import type { PinState } from './pin.service';

/** A catalog model with its pin state, as `VideoModel`. */
function toModel(spec: ModelSpec, pin: PinState): VideoModelType {
  const life = (l: { released?: string | null; deprecated?: string | null; shutdown?: string | null; replacement?: string | null }) => ({
    released: l.released ?? null,
    deprecated: l.deprecated ?? null,
    shutdown: l.shutdown ?? null,
    replacement: l.replacement ?? null,
  });
  return {
    id: spec.id,
    displayName: spec.displayName,
    upstream: spec.upstream,
    defaultSnapshot: spec.defaultSnapshot,
    snapshot: pin.snapshot,
    pinSource: pin.source as PinSourceEnum,
    canary: pin.canary,
    snapshots: spec.snapshots.map((s) => ({ id: s.id, ...life(s) })),
    capabilities: spec.capabilities,
    pricing: spec.capabilities.sizes.map((size) => ({ size, pricePerSecond: spec.pricePerSecond[size] ?? null })),
    lifecycle: life(spec.lifecycle),
  };
}

/** The model catalog and its pins. Reading is open to every viewer; changing pins needs an admin. */
@Resolver()
export class ModelResolver {
  constructor(private readonly router: ModelRouter) {}

  @Query(() => [VideoModelType], { description: 'Every model of the catalog with its pin state.' })
  async models(@Ctx() ctx: RequestContext): Promise<VideoModelType[]> {
    return (await this.router.describe(ctx.em)).map(({ spec, pin }) => toModel(spec, pin));
  }

  @Query(() => VideoModelType, { nullable: true, description: 'A model by alias or snapshot id (a snapshot gives its model).' })
  async model(@Arg('id', { description: 'A model alias (`sora-2`) or snapshot id; an unknown one gives null.' }) id: string, @Ctx() ctx: RequestContext): Promise<VideoModelType | null> {
    const entry = this.router.catalog.find(id);
    return entry ? toModel(entry.spec, await this.router.pins.state(ctx.em, entry.spec.id)) : null;
  }

  @Query(() => ModelPinChangeConnection, { description: 'Recorded pin changes, newest first (operator admin).' })
  async modelPinHistory(@Arg('model', () => String, { nullable: true, description: 'Only changes of this alias; omitted means every model.' }) model: string | undefined, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    requireOperator(ctx.viewer, 'Reading the pin history');
    return this.router.pins.history(ctx.em, model, page);
  }

  @Mutation(() => ModelPinPayload, { description: 'Pins an alias to a snapshot for new jobs (operator admin). Ends any canary.' })
  async pinModel(@Arg('input', () => PinModelInput, { description: 'The alias, the snapshot and why.' }) input: PinModelInput, @Ctx() ctx: RequestContext): Promise<ModelPinPayload> {
    requireOperator(ctx.viewer, 'Pinning a model');
    return this.payload(ctx, await this.router.pins.pin(ctx.em, input.model, input.snapshot, actorOf(ctx.viewer), input.reason));
  }

  @Mutation(() => ModelPinPayload, { description: 'Undoes the alias\'s last pin change (operator admin): new jobs go back to the snapshot they ran before.' })
  async rollbackModelPin(@Arg('input', () => RollbackModelPinInput, { description: 'The alias and why.' }) input: RollbackModelPinInput, @Ctx() ctx: RequestContext): Promise<ModelPinPayload> {
    requireOperator(ctx.viewer, 'Rolling back a pin');
    return this.payload(ctx, await this.router.pins.rollback(ctx.em, input.model, actorOf(ctx.viewer), input.reason));
  }

  @Mutation(() => ModelPinPayload, { description: 'Routes a deterministic share of new jobs of an alias to a candidate snapshot (operator admin).' })
  async startModelCanary(@Arg('input', () => StartModelCanaryInput, { description: 'The alias, the candidate, its share and why.' }) input: StartModelCanaryInput, @Ctx() ctx: RequestContext): Promise<ModelPinPayload> {
    requireOperator(ctx.viewer, 'Starting a canary');
    return this.payload(ctx, await this.router.pins.startCanary(ctx.em, input.model, input.snapshot, input.percent, actorOf(ctx.viewer), input.reason));
  }

  @Mutation(() => ModelPinPayload, { description: 'Ends an alias\'s canary (operator admin). Promote a canary with pinModel.' })
  async stopModelCanary(@Arg('input', () => StopModelCanaryInput, { description: 'The alias and why.' }) input: StopModelCanaryInput, @Ctx() ctx: RequestContext): Promise<ModelPinPayload> {
    requireOperator(ctx.viewer, 'Stopping a canary');
    return this.payload(ctx, await this.router.pins.stopCanary(ctx.em, input.model, actorOf(ctx.viewer), input.reason));
  }

  private async payload(ctx: RequestContext, change: ModelPinChange): Promise<ModelPinPayload> {
    const entry = this.router.catalog.find(change.alias)!;
    return { model: toModel(entry.spec, await this.router.pins.state(ctx.em, change.alias)), change: change as unknown as ModelPinChangeType };
  }
}

/** Fields of a pin change record. */
@Resolver(() => ModelPinChangeType)
export class ModelPinChangeResolver {
  @FieldResolver(() => ID)
  id(@Root() change: ModelPinChange): string {
    return toGlobalId('ModelPinChange', change.id);
  }

  @FieldResolver(() => String)
  model(@Root() change: ModelPinChange): string {
    return change.alias;
  }

  @FieldResolver(() => String)
  from(@Root() change: ModelPinChange): string {
    return change.fromSnapshot;
  }

  @FieldResolver(() => String)
  to(@Root() change: ModelPinChange): string {
    return change.toSnapshot;
  }

  @FieldResolver(() => Date)
  at(@Root() change: ModelPinChange): Date {
    return change.createdAt;
  }
}
