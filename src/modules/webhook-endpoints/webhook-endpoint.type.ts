import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType, NodeInterface } from '../../graphql/relay';
import { DeliveryStatus, EndpointDisabledReason, WebhookEventType } from './webhook-endpoint.entity';

/** Global type names. */
export const WEBHOOK_ENDPOINT_TYPE_NAME = 'WebhookEndpoint';
export const WEBHOOK_DELIVERY_TYPE_NAME = 'WebhookDelivery';

registerEnumType(WebhookEventType, {
  name: 'WebhookEventType',
  description: 'Events an outbound webhook endpoint can receive. The payload `type` is the dotted name (e.g. `video.completed`).',
  valuesConfig: {
    VIDEO_COMPLETED: { description: '`video.completed`: a video reached COMPLETED.' },
    VIDEO_FAILED: { description: '`video.failed`: a video reached FAILED.' },
    VIDEO_CANCELLED: { description: '`video.cancelled`: a video reached CANCELLED.' },
    BATCH_COMPLETED: { description: '`batch.completed`: a batch reached COMPLETED.' },
    STORYBOARD_COMPLETED: { description: '`storyboard.completed`: a storyboard\'s final clip is ready.' },
  },
});
registerEnumType(EndpointDisabledReason, {
  name: 'WebhookEndpointDisabledReason',
  description: 'Why an endpoint receives nothing.',
  valuesConfig: {
    MANUAL: { description: 'Turned off with updateWebhookEndpoint(enabled: false).' },
    GONE: { description: 'The receiver answered 410 Gone.' },
    FAILING: { description: 'Every attempt failed for too long (see `failingSince`); re-enable it once the receiver works.' },
  },
});
registerEnumType(DeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'State of one delivery.',
  valuesConfig: {
    PENDING: { description: 'Not yet delivered; the next attempt is at `nextAttemptAt`.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Given up: the retries ran out, the endpoint was disabled or deleted, or the target was refused.' },
  },
});

@ObjectType('WebhookEndpoint', { implements: NodeInterface, description: 'A receiver of signed outbound webhooks (Standard Webhooks).' })
export class WebhookEndpointType extends NodeInterface {
  @Field({ description: 'Where deliveries are POSTed.' })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events it receives.' })
  events!: WebhookEventType[];

  @Field({ description: 'The note for people given on creation or update (empty when none).' })
  description!: string;

  @Field({ description: 'Whether new events are delivered to it; false when `disabledReason` is set.' })
  enabled!: boolean;

  @Field(() => EndpointDisabledReason, { nullable: true, description: 'Why it is disabled; null while enabled.' })
  disabledReason!: EndpointDisabledReason | null;

  @Field(() => Date, { nullable: true, description: 'Since when every attempt has failed; null when the last one succeeded.' })
  failingSince!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until when the secret replaced by the last rotation still signs.' })
  previousSecretExpiresAt!: Date | null;

  @Field(() => Date, { description: 'When it was registered (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it last changed: update, rotation, or being disabled (UTC).' })
  updatedAt!: Date;
}

/** `WebhookEndpointConnection`. */
export const WebhookEndpointConnection = connectionType(WebhookEndpointType, 'WebhookEndpoint');

@ObjectType('WebhookDelivery', { implements: NodeInterface, description: 'One message to one receiver, with its attempts.' })
export class WebhookDeliveryType extends NodeInterface {
  @Field({ description: 'The `webhook-id` header and payload `id`; the same for every receiver of the event and on redelivery.' })
  eventId!: string;

  @Field(() => WebhookEventType, { description: 'The event the message reports.' })
  eventType!: WebhookEventType;

  @Field(() => DeliveryStatus, { description: 'Whether the message arrived, is still being tried, or was given up.' })
  status!: DeliveryStatus;

  @Field(() => Int, { description: 'Number of POSTs made so far (0 before the first).' })
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got no response.' })
  lastResponseCode!: number | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds the last attempt took until a response or failure; null before the first attempt.' })
  lastLatencyMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, connection error, refused target, HTTP status).' })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (PENDING only).' })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When a 2xx response arrived; null unless DELIVERED.' })
  deliveredAt!: Date | null;

  @Field(() => Date, { description: 'When the event was recorded for this receiver (UTC).' })
  createdAt!: Date;

  @Field({ description: 'The exact JSON body sent.' })
  payload!: string;

  @Field(() => String, { nullable: true, description: 'The target of a per-job `webhookUrl` delivery; null for endpoint deliveries (see `endpoint`).' })
  jobUrl!: string | null;
}

/** `WebhookDeliveryConnection`. */
export const WebhookDeliveryConnection = connectionType(WebhookDeliveryType, 'WebhookDelivery');

@ObjectType('WebhookEndpointPayload', { description: 'Result of updateWebhookEndpoint.' })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpointType, { description: 'The endpoint after the change.' })
  endpoint!: WebhookEndpointType;
}

@ObjectType('WebhookEndpointSecretPayload', { description: 'Result of createWebhookEndpoint and rotateWebhookEndpointSecret: the endpoint and, this once, its signing secret.' })
export class WebhookEndpointSecretPayload {
  @Field(() => WebhookEndpointType, { description: 'The endpoint as stored.' })
  endpoint!: WebhookEndpointType;

  @Field({ description: 'The signing secret (`whsec_…`). Shown only here: store it now.' })
  secret!: string;
}

@ObjectType('DeleteWebhookEndpointPayload', { description: 'Result of deleteWebhookEndpoint.' })
export class DeleteWebhookEndpointPayload {
  @Field(() => ID, { description: 'Global ID of the deleted endpoint.' })
  deletedEndpointId!: string;
}

@ObjectType('WebhookDeliveryPayload', { description: 'Result of redeliverWebhook.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDeliveryType, { description: 'The new delivery (PENDING), sent by the worker shortly.' })
  delivery!: WebhookDeliveryType;
}

@ObjectType('JobWebhookSecret', { description: 'Signs the callbacks to per-job `webhookUrl`s of the tenant.' })
export class JobWebhookSecretType {
  @Field({ description: '`whsec_…`; verify callbacks with it (Standard Webhooks).' })
  secret!: string;

  @Field(() => Date, { nullable: true, description: 'Until when the previous secret still signs (after a rotation).' })
  previousSecretExpiresAt!: Date | null;
}
