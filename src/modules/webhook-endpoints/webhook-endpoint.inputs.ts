import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { WebhookEventType } from './webhook-endpoint.entity';

/** Longest receiver URL accepted. */
export const MAX_URL_LENGTH = 2048;
/** Longest endpoint description. */
export const MAX_DESCRIPTION_LENGTH = 500;

@InputType('CreateWebhookEndpointInput', { description: 'A receiver of signed webhooks: where and which events.' })
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
  @Field(() => ID, { description: 'Global ID of one of the tenant\'s endpoints.' })
  endpointId!: string;

  @Field(() => String, { nullable: true, description: 'New receiver URL (same rules as on creation); omitted or null keeps the current one.' })
  url?: string | null;

  @Field(() => [WebhookEventType], { nullable: true, description: 'New list of events (at least one); omitted or null keeps the current list.' })
  @ArrayMaxSize(20)
  events?: WebhookEventType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false stops deliveries; true resumes them (and forgets past failures).' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'New note (up to 500 characters); omitted or null keeps the current one.' })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: `description may hold at most ${MAX_DESCRIPTION_LENGTH} characters` })
  description?: string | null;
}

@InputType('WebhookEndpointIdInput', { description: 'Names one endpoint.' })
export class WebhookEndpointIdInput {
  @Field(() => ID, { description: 'Global ID of one of the tenant\'s endpoints.' })
  endpointId!: string;
}

@InputType('RedeliverWebhookInput', { description: 'The delivery to send again.' })
export class RedeliverWebhookInput {
  @Field(() => ID, { description: 'A WebhookDelivery ID; its message is sent again (same `webhook-id`) as a new delivery.' })
  deliveryId!: string;
}
