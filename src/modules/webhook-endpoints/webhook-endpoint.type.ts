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
registerEnumType(EndpointDisabledReason, { name: 'WebhookEndpointDisabledReason', description: 'Why an endpoint receives nothing.' });
registerEnumType(DeliveryStatus, { name: 'WebhookDeliveryStatus', description: 'State of one delivery.' });

@ObjectType('WebhookEndpoint', { implements: NodeInterface, description: 'A receiver of signed outbound webhooks (Standard Webhooks).' })
export class WebhookEndpointType extends NodeInterface {
  @Field()
  url!: string;

  @Field(() => [WebhookEventType])
  events!: WebhookEventType[];

  @Field()
  description!: string;

  @Field()
  enabled!: boolean;

  @Field(() => EndpointDisabledReason, { nullable: true })
  disabledReason!: EndpointDisabledReason | null;

  @Field(() => Date, { nullable: true, description: 'Since when every attempt has failed; null when the last one succeeded.' })
  failingSince!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until when the secret replaced by the last rotation still signs.' })
  previousSecretExpiresAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

/** `WebhookEndpointConnection`. */
export const WebhookEndpointConnection = connectionType(WebhookEndpointType, 'WebhookEndpoint');

@ObjectType('WebhookDelivery', { implements: NodeInterface, description: 'One message to one receiver, with its attempts.' })
export class WebhookDeliveryType extends NodeInterface {
  @Field({ description: 'The `webhook-id` header and payload `id`; the same for every receiver of the event and on redelivery.' })
  eventId!: string;

  @Field(() => WebhookEventType)
  eventType!: WebhookEventType;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got no response.' })
  lastResponseCode!: number | null;

  @Field(() => Int, { nullable: true })
  lastLatencyMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (timeout, connection error, refused target, HTTP status).' })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due (PENDING only).' })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field({ description: 'The exact JSON body sent.' })
  payload!: string;

  @Field(() => String, { nullable: true, description: 'The target of a per-job `webhookUrl` delivery; null for endpoint deliveries (see `endpoint`).' })
  jobUrl!: string | null;
}

/** `WebhookDeliveryConnection`. */
export const WebhookDeliveryConnection = connectionType(WebhookDeliveryType, 'WebhookDelivery');

@ObjectType('WebhookEndpointPayload')
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpointType)
  endpoint!: WebhookEndpointType;
}

@ObjectType('WebhookEndpointSecretPayload')
export class WebhookEndpointSecretPayload {
  @Field(() => WebhookEndpointType)
  endpoint!: WebhookEndpointType;

  @Field({ description: 'The signing secret (`whsec_…`). Shown only here: store it now.' })
  secret!: string;
}

@ObjectType('DeleteWebhookEndpointPayload')
export class DeleteWebhookEndpointPayload {
  @Field(() => ID)
  deletedEndpointId!: string;
}

@ObjectType('WebhookDeliveryPayload')
export class WebhookDeliveryPayload {
  @Field(() => WebhookDeliveryType)
  delivery!: WebhookDeliveryType;
}

@ObjectType('JobWebhookSecret', { description: 'Signs the callbacks to per-job `webhookUrl`s of the tenant.' })
export class JobWebhookSecretType {
  @Field({ description: '`whsec_…`; verify callbacks with it (Standard Webhooks).' })
  secret!: string;

  @Field(() => Date, { nullable: true, description: 'Until when the previous secret still signs (after a rotation).' })
  previousSecretExpiresAt!: Date | null;
}
