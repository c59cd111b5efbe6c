import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { PageArgs, toGlobalId } from '../../graphql/relay';
import { type JobWebhookSecret, type OutboundDelivery, WebhookEndpoint } from './webhook-endpoint.entity';
import { CreateWebhookEndpointInput, RedeliverWebhookInput, UpdateWebhookEndpointInput, WebhookEndpointIdInput } from './webhook-endpoint.inputs';
import type { WebhookEndpointService } from './webhook-endpoint.service';
import {
  DeleteWebhookEndpointPayload,
  JobWebhookSecretType,
  WEBHOOK_DELIVERY_TYPE_NAME,
  WEBHOOK_ENDPOINT_TYPE_NAME,
  WebhookDeliveryConnection,
  WebhookDeliveryPayload,
  WebhookDeliveryType,
  WebhookEndpointConnection,
  WebhookEndpointPayload,
  WebhookEndpointSecretPayload,
  WebhookEndpointType,
} from './webhook-endpoint.type';

/** Outbound webhook endpoints: thin resolvers over {@link WebhookEndpointService}. */
@Resolver(() => WebhookEndpointType)
export class WebhookEndpointResolver {
  constructor(private readonly service: WebhookEndpointService) {}

  @Query(() => WebhookEndpointConnection, { description: 'The tenant\'s outbound webhook endpoints, newest first.' })
  async webhookEndpoints(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return this.service.list(ctx, page);
  }

  @Mutation(() => WebhookEndpointSecretPayload, { description: 'Registers a receiver of signed webhooks (admin). The signing secret is returned once.' })
  async createWebhookEndpoint(@Arg('input', () => CreateWebhookEndpointInput, { description: 'The URL, the events and a note.' }) input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return this.service.create(ctx, input);
  }

  @Mutation(() => WebhookEndpointPayload, { description: 'Changes an endpoint\'s URL, events, description or enabled flag (admin).' })
  async updateWebhookEndpoint(@Arg('input', () => UpdateWebhookEndpointInput, { description: 'The endpoint and the fields to change.' }) input: UpdateWebhookEndpointInput, @Ctx() ctx: RequestContext) {
    return { endpoint: await this.service.update(ctx, input) };
  }

  @Mutation(() => DeleteWebhookEndpointPayload, { description: 'Deletes an endpoint (admin); its pending deliveries fail without being sent.' })
  async deleteWebhookEndpoint(@Arg('input', () => WebhookEndpointIdInput, { description: 'The endpoint to delete.' }) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext): Promise<DeleteWebhookEndpointPayload> {
    await this.service.delete(ctx, input.endpointId);
    return { deletedEndpointId: input.endpointId };
  }

  @Mutation(() => WebhookEndpointSecretPayload, {
    description: 'Replaces the signing secret (admin) and returns the new one once. The old secret keeps signing (both signatures are sent) for OUTBOUND_WEBHOOKS_SECRET_OVERLAP_SECONDS.',
  })
  async rotateWebhookEndpointSecret(@Arg('input', () => WebhookEndpointIdInput, { description: 'The endpoint whose secret to replace.' }) input: WebhookEndpointIdInput, @Ctx() ctx: RequestContext) {
    return this.service.rotateSecret(ctx, input.endpointId);
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Outbound webhook deliveries, newest first: of one endpoint, or all (per-job callbacks included).' })
  async webhookDeliveries(
    @Arg('endpointId', () => ID, { nullable: true, description: 'Only deliveries to this endpoint; omitted means all of the tenant\'s deliveries.' }) endpointId: string | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.deliveries(ctx, { ...page, endpointId });
  }

  @Mutation(() => WebhookDeliveryPayload, { description: 'Sends a delivery\'s message again (admin): a new delivery with the same `webhook-id` and body.' })
  async redeliverWebhook(@Arg('input', () => RedeliverWebhookInput, { description: 'The delivery to send again.' }) input: RedeliverWebhookInput, @Ctx() ctx: RequestContext) {
    return { delivery: await this.service.redeliver(ctx, input.deliveryId) };
  }

  @Query(() => JobWebhookSecretType, { description: 'The secret that signs callbacks to per-job `webhookUrl`s (admin); made on first use.' })
  async jobWebhookSecret(@Ctx() ctx: RequestContext): Promise<JobWebhookSecret> {
    return this.service.jobSecret(ctx);
  }

  @Mutation(() => JobWebhookSecretType, { description: 'Replaces the per-job callback secret (admin); the old one keeps signing during the overlap.' })
  async rotateJobWebhookSecret(@Ctx() ctx: RequestContext): Promise<JobWebhookSecret> {
    return this.service.rotateJobSecret(ctx);
  }

  @FieldResolver(() => ID)
  id(@Root() endpoint: WebhookEndpoint): string {
    return toGlobalId(WEBHOOK_ENDPOINT_TYPE_NAME, endpoint.id);
  }
}

/** Fields of `WebhookDelivery` that are not plain columns. */
@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @FieldResolver(() => ID)
  id(@Root() delivery: OutboundDelivery): string {
    return toGlobalId(WEBHOOK_DELIVERY_TYPE_NAME, delivery.id);
  }

  @FieldResolver(() => WebhookEndpointType, { nullable: true, description: 'The endpoint (null for per-job callbacks, or when deleted).' })
  async endpoint(@Root() delivery: OutboundDelivery, @Ctx() ctx: RequestContext): Promise<WebhookEndpoint | null> {
    if (!delivery.endpointId) return null;
    return ctx.em.findOne(WebhookEndpoint, { id: delivery.endpointId });
  }
}
