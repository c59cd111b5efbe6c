import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { WebhookEventType } from './webhook-endpoint.entity';

/** Longest receiver URL accepted. */
export const MAX_URL_LENGTH = 2048;
/** Longest endpoint description. */
export const MAX_DESCRIPTION_LENGTH = 500;

@InputType('CreateWebhookEndpointInput')
export class CreateWebhookEndpointInput {
  @Field({ description: `Where deliveries are POSTed: https (http only in local mode or with OUTBOUND_WEBHOOKS_ALLOW_PRIVATE), public address, up to ${MAX_URL_LENGTH} characters.` })
  url!: string;

  @Field(() => [WebhookEventType], { description: 'The events to receive (at least one).' })
  @ArrayMaxSize(20)
  events!: WebhookEventType[];

  @Field({ defaultValue: '', description: `A note for people (up to ${MAX_DESCRIPTION_LENGTH} characters).` })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: `description may hold at most ${MAX_DESCRIPTION_LENGTH} characters` })
  description!: string;
}

@InputType('UpdateWebhookEndpointInput', { description: 'Only the given fields change.' })
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  endpointId!: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true })
  @ArrayMaxSize(20)
  events?: WebhookEventType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false stops deliveries; true resumes them (and forgets past failures).' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: `description may hold at most ${MAX_DESCRIPTION_LENGTH} characters` })
  description?: string | null;
}

@InputType('WebhookEndpointIdInput')
export class WebhookEndpointIdInput {
  @Field(() => ID)
  endpointId!: string;
}

@InputType('RedeliverWebhookInput')
export class RedeliverWebhookInput {
  @Field(() => ID, { description: 'A WebhookDelivery ID; its message is sent again (same `webhook-id`) as a new delivery.' })
  deliveryId!: string;
}
