import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One verified webhook delivery, keyed by its `webhook-id`. Upstreams deliver at least once; a
 * redelivery finds its id here and is acknowledged without being processed again. Webhooks are
 * upstream-level (not tenant) data: they name upstream ids only.
 */
@Entity({ tableName: 'webhook_delivery' })
export class WebhookDelivery {
  @PrimaryKey({ length: 255 })
  id!: string;

  @Property({ length: 64 })
  type!: string;

  /** `data.id` of the event: an upstream video or batch id. */
  @Property({ type: 'string', length: 255, nullable: true })
  objectId?: string | null;

  /** `matched`, `unmatched` (no job with that upstream id yet) or `ignored` (event type not handled). */
  @Property({ length: 16 })
  outcome!: string;

  @Property()
  receivedAt: Date & Opt = new Date();
}
