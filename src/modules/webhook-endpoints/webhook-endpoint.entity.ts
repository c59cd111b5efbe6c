import { Entity, Enum, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { TenantScoped } from '../../db/tenant-scoped';
import { ulid } from '../../ids';

/** Events a tenant can subscribe to; the values are the `type` of the payload (Standard Webhooks style). */
export enum WebhookEventType {
  VIDEO_COMPLETED = 'video.completed',
  VIDEO_FAILED = 'video.failed',
  VIDEO_CANCELLED = 'video.cancelled',
  BATCH_COMPLETED = 'batch.completed',
  STORYBOARD_COMPLETED = 'storyboard.completed',
}

/** Why an endpoint stopped receiving deliveries. */
export enum EndpointDisabledReason {
  /** The tenant switched it off. */
  MANUAL = 'MANUAL',
  /** The receiver answered 410 Gone. */
  GONE = 'GONE',
  /** Every delivery failed for longer than OUTBOUND_WEBHOOKS_DISABLE_AFTER_DAYS. */
  FAILING = 'FAILING',
}

/**
 * Signing keys of an outbound webhook sender: the current secret and, during a rotation's
 * overlap, the previous one (both sign, so receivers can switch without losing deliveries).
 */
export abstract class SigningKeys extends TenantScoped {
  /** `whsec_` + base64 of 32 random bytes. */
  @Property({ length: 128 })
  secret!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  previousSecret?: string | null;

  /** Until when `previousSecret` still signs. */
  @Property({ type: 'datetime', nullable: true })
  previousSecretExpiresAt?: Date | null;
}

/**
 * A tenant's receiver of OUTBOUND webhooks (Reelgraph calling the tenant). Not to be confused
 * with src/modules/webhooks, the intake of the upstream's webhooks.
 */
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint extends SigningKeys {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Property({ length: 2048 })
  url!: string;

  /** Subscribed event types (wire names such as `video.completed`). */
  @Property({ type: 'json' })
  events!: WebhookEventType[];

  @Property({ length: 500 })
  description: string & Opt = '';

  @Property()
  enabled: boolean & Opt = true;

  @Enum({ items: () => EndpointDisabledReason, nullable: true })
  disabledReason?: EndpointDisabledReason | null;

  /** Start of the current run of failed attempts; cleared by any 2xx. */
  @Property({ type: 'datetime', nullable: true })
  failingSince?: Date | null;

  @Property()
  version: number & Opt = 1;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}

/** The tenant's secret for per-job `webhookUrl` callbacks; made on first use. */
@Entity({ tableName: 'job_webhook_secret' })
@Unique({ name: 'job_webhook_secret_tenant_unique', properties: ['tenantId'] })
export class JobWebhookSecret extends SigningKeys {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Property()
  createdAt: Date & Opt = new Date();
}

/** The `webhookUrl` a create mutation gave for one job: told about that job's terminal state only. */
@Entity({ tableName: 'job_webhook' })
export class JobWebhook extends TenantScoped {
  /** The video's id. */
  @PrimaryKey({ length: 26 })
  videoId!: string;

  @Property({ length: 2048 })
  url!: string;

  @Property()
  createdAt: Date & Opt = new Date();
}

/** Lifecycle of one delivery. */
export enum DeliveryStatus {
  /** Waiting for its next attempt. */
  PENDING = 'PENDING',
  /** The receiver answered 2xx. */
  DELIVERED = 'DELIVERED',
  /** Given up: retries exhausted, endpoint gone, disabled or deleted. */
  FAILED = 'FAILED',
}

/**
 * One message to one receiver, written in the same transaction as the state change it reports,
 * so it is delivered at least once. `eventId` is the `webhook-id`: the same for every receiver of
 * the event and for a redelivery, so receivers can deduplicate.
 */
@Entity({ tableName: 'outbound_delivery' })
@Index({ name: 'outbound_delivery_endpoint_index', properties: ['endpointId', 'id'] })
export class OutboundDelivery extends TenantScoped {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  /** The endpoint, or null for a per-job `webhookUrl` delivery. */
  @Property({ type: 'string', length: 26, nullable: true })
  endpointId?: string | null;

  /** Target of a per-job delivery (endpoint deliveries use the endpoint's current URL). */
  @Property({ type: 'string', length: 2048, nullable: true })
  jobUrl?: string | null;

  @Property({ length: 40 })
  eventId!: string;

  @Property({ length: 64 })
  eventType!: string;

  /** The exact body sent (the same bytes on every attempt). */
  @Property({ type: 'text' })
  payload!: string;

  @Enum({ items: () => DeliveryStatus })
  status: DeliveryStatus & Opt = DeliveryStatus.PENDING;

  @Property()
  attempts: number & Opt = 0;

  @Property({ type: 'integer', nullable: true })
  lastResponseCode?: number | null;

  @Property({ type: 'integer', nullable: true })
  lastLatencyMs?: number | null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  deliveredAt?: Date | null;

  @Property()
  createdAt: Date & Opt = new Date();
}
