import type { FilterQuery } from '@mikro-orm/core';
import type { OutboundWebhooksConfig } from '../../config';
import { AppError, badInput, ErrorCode, notFound } from '../../errors';
import { requireAdmin } from '../../graphql/authz';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, keyset, type Page, type PageArgs, pageOf, pageRequest } from '../../graphql/relay';
import type { Worker } from '../../jobs/worker';
import { checkUrl, UrlRefused } from '../../net/outbound-http';
import type { JobWebhookSecrets } from './job-webhook-secrets';
import { EndpointDisabledReason, type JobWebhookSecret, OutboundDelivery, WebhookEndpoint, type WebhookEventType } from './webhook-endpoint.entity';
import { type CreateWebhookEndpointInput, MAX_URL_LENGTH, type UpdateWebhookEndpointInput } from './webhook-endpoint.inputs';
import type { WebhookOutbox } from './webhook-outbox';
import { generateSigningSecret, rotate } from './webhook-signing';
import { WEBHOOK_DELIVERY_TYPE_NAME, WEBHOOK_ENDPOINT_TYPE_NAME } from './webhook-endpoint.type';

/**
 * Outbound webhook endpoints of the viewer's tenant: register, change, delete, rotate secrets,
 * and look at (and repeat) deliveries. Changes need an admin key; every lookup is tenant-scoped,
 * so another tenant's endpoint or delivery is NOT_FOUND.
 */
export class WebhookEndpointService {
  constructor(
    private readonly config: OutboundWebhooksConfig,
    private readonly outbox: WebhookOutbox,
    private readonly jobSecrets: JobWebhookSecrets,
    private readonly worker: Worker,
  ) {}

  /**
   * Checks a URL a tenant wants called (endpoint or per-job `webhookUrl`): https outside local
   * mode, no credentials, public target. @throws BAD_USER_INPUT naming `field`
   */
  async checkTarget(ctx: RequestContext, raw: string, field: string): Promise<string> {
    try {
      const allowHttp = ctx.viewer.local || this.config.allowPrivate;
      return (await checkUrl(raw, { field, allowHttp, maxLength: MAX_URL_LENGTH, allowPrivate: this.config.allowPrivate })).toString();
    } catch (error) {
      if (error instanceof UrlRefused) throw badInput(field, error.message);
      throw error;
    }
  }

  async create(ctx: RequestContext, input: CreateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    requireAdmin(ctx.viewer, 'Creating webhook endpoints');
    const events = checkEvents(input.events, 'input.events');
    const url = await this.checkTarget(ctx, input.url, 'input.url');
    const count = await ctx.em.count(WebhookEndpoint, {});
    if (count >= this.config.maxEndpoints) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `The tenant has ${count} webhook endpoints, the most allowed (OUTBOUND_WEBHOOKS_MAX_ENDPOINTS = ${this.config.maxEndpoints}); delete one or subscribe an existing one to more events.`, {
        field: 'input',
        limit: this.config.maxEndpoints,
      });
    }
    const secret = generateSigningSecret();
    const endpoint = ctx.em.create(WebhookEndpoint, { tenantId: ctx.viewer.tenantId, url, events, description: input.description ?? '', secret });
    await ctx.em.flush();
    return { endpoint, secret };
  }

  async list(ctx: RequestContext, args: PageArgs): Promise<Page<WebhookEndpoint>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    return pageOf(await ctx.em.find(WebhookEndpoint, range ? { id: range } : {}, { orderBy: { id: orderBy }, limit }), request);
  }

  async update(ctx: RequestContext, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    requireAdmin(ctx.viewer, 'Changing webhook endpoints');
    const endpoint = await this.require(ctx, input.endpointId, 'input.endpointId');
    const events = input.events ? checkEvents(input.events, 'input.events') : undefined;
    const url = input.url !== undefined && input.url !== null ? await this.checkTarget(ctx, input.url, 'input.url') : undefined;
    if (url !== undefined) endpoint.url = url;
    if (events) endpoint.events = events;
    if (input.description !== undefined && input.description !== null) endpoint.description = input.description;
    if (input.enabled === true && !endpoint.enabled) {
      endpoint.enabled = true;
      endpoint.disabledReason = null;
      endpoint.failingSince = null;
    } else if (input.enabled === false && endpoint.enabled) {
      endpoint.enabled = false;
      endpoint.disabledReason = EndpointDisabledReason.MANUAL;
    }
    endpoint.version += 1;
    await ctx.em.flush();
    return endpoint;
  }

  /** Deletes the endpoint; its pending deliveries fail at their next attempt. */
  async delete(ctx: RequestContext, globalId: string): Promise<void> {
    requireAdmin(ctx.viewer, 'Deleting webhook endpoints');
    const endpoint = await this.require(ctx, globalId, 'input.endpointId');
    await ctx.em.nativeDelete(WebhookEndpoint, { id: endpoint.id });
  }

  /** New secret, returned once; the old one keeps signing for OUTBOUND_WEBHOOKS_SECRET_OVERLAP_SECONDS. */
  async rotateSecret(ctx: RequestContext, globalId: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    requireAdmin(ctx.viewer, 'Rotating webhook secrets');
    const endpoint = await this.require(ctx, globalId, 'input.endpointId');
    const secret = rotate(endpoint, this.config.secretOverlapSeconds);
    endpoint.version += 1;
    await ctx.em.flush();
    return { endpoint, secret };
  }

  /** Deliveries newest first, of one endpoint or (without one) of all, per-job callbacks included. */
  async deliveries(ctx: RequestContext, args: PageArgs & { endpointId?: string | null }): Promise<Page<OutboundDelivery>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    const where: FilterQuery<OutboundDelivery> = {};
    if (args.endpointId) where.endpointId = (await this.require(ctx, args.endpointId, 'endpointId')).id;
    if (range) where.id = range;
    return pageOf(await ctx.em.find(OutboundDelivery, where, { orderBy: { id: orderBy }, limit }), request);
  }

  /** Sends a delivery's message again, as a new delivery with the same `webhook-id` and body. */
  async redeliver(ctx: RequestContext, globalId: string): Promise<OutboundDelivery> {
    requireAdmin(ctx.viewer, 'Redelivering webhooks');
    const field = 'input.deliveryId';
    const id = expectGlobalId(globalId, WEBHOOK_DELIVERY_TYPE_NAME, field);
    const original = await ctx.em.findOne(OutboundDelivery, { id });
    if (!original) throw notFound(WEBHOOK_DELIVERY_TYPE_NAME, globalId, field);
    if (original.endpointId) {
      const endpoint = await ctx.em.findOne(WebhookEndpoint, { id: original.endpointId });
      if (!endpoint) throw new AppError(ErrorCode.CONFLICT, 'The endpoint of this delivery was deleted; there is nowhere to send it.', { field });
      if (!endpoint.enabled) throw new AppError(ErrorCode.CONFLICT, 'The endpoint of this delivery is disabled; enable it with updateWebhookEndpoint first.', { field });
    }
    const newId = await ctx.em.transactional((tx) =>
      this.outbox.insert(tx, { tenantId: original.tenantId, endpointId: original.endpointId ?? null, jobUrl: original.jobUrl ?? null, eventId: original.eventId, eventType: original.eventType, payload: original.payload }),
    );
    this.worker.kick();
    return ctx.em.fork({ clear: true }).findOneOrFail(OutboundDelivery, { id: newId });
  }

  /** The tenant's secret for per-job `webhookUrl` callbacks (admin); made on first use. */
  async jobSecret(ctx: RequestContext): Promise<JobWebhookSecret> {
    requireAdmin(ctx.viewer, 'Reading the job webhook secret');
    return this.jobSecrets.getOrCreate(ctx.em, ctx.viewer.tenantId);
  }

  async rotateJobSecret(ctx: RequestContext): Promise<JobWebhookSecret> {
    requireAdmin(ctx.viewer, 'Rotating the job webhook secret');
    return this.jobSecrets.rotate(ctx.em, ctx.viewer.tenantId);
  }

  private async require(ctx: RequestContext, globalId: string, field: string): Promise<WebhookEndpoint> {
    const id = expectGlobalId(globalId, WEBHOOK_ENDPOINT_TYPE_NAME, field);
    const endpoint = await ctx.em.findOne(WebhookEndpoint, { id });
    if (!endpoint) throw notFound(WEBHOOK_ENDPOINT_TYPE_NAME, globalId, field);
    return endpoint;
  }
}

/** Events must be non-empty; duplicates are dropped. (Unknown names never reach here: the enum refuses them.) */
function checkEvents(events: WebhookEventType[], field: string): WebhookEventType[] {
  if (events.length === 0) throw badInput(field, `${field} must name at least one event, e.g. VIDEO_COMPLETED.`);
  return [...new Set(events)];
}

