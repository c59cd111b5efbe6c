import { registerNode } from '../graphql/nodes';
import { Batch } from './batches/batch.entity';
import { BillingResolver, VideoCostResolver } from './billing/billing.resolver';
import { ModelPinChangeResolver, ModelResolver } from './models/model.resolver';
import { TenantResolver } from './tenants/tenant.resolver';
import { BatchResolver, VideoBatchResolver } from './batches/batch.resolver';
import { BATCH_TYPE_NAME } from './batches/batch.service';
import { Character } from './characters/character.entity';
import { CharacterResolver, VideoCharactersResolver } from './characters/character.resolver';
import { CHARACTER_TYPE_NAME } from './characters/character.service';
import { EventResolver } from './events/event.resolver';
import { Extension } from './extensions/extension.entity';
import { EXTENSION_TYPE_NAME, ExtensionResolver, VideoExtensionsResolver } from './extensions/extension.resolver';
import { NodeResolver } from './node/node.resolver';
import { Storyboard } from './storyboards/storyboard.entity';
import { STORYBOARD_TYPE_NAME } from './storyboards/storyboard.live';
import { StoryboardResolver, StoryboardSceneResolver, VideoStoryboardResolver } from './storyboards/storyboard.resolver';
import { Video } from './videos/video.entity';
import { VideoLifecycleResolver } from './videos/video.lifecycle.resolver';
import { VideoResolver } from './videos/video.resolver';
import { VIDEO_TYPE_NAME } from './videos/video.type';
import { OutboundDelivery, WebhookEndpoint } from './webhook-endpoints/webhook-endpoint.entity';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook-endpoints/webhook-endpoint.resolver';
import { WEBHOOK_DELIVERY_TYPE_NAME, WEBHOOK_ENDPOINT_TYPE_NAME } from './webhook-endpoints/webhook-endpoint.type';

/** Every resolver class of the schema, feature by feature. */
export const RESOLVERS = [
  NodeResolver,
  VideoResolver,
  VideoLifecycleResolver,
  EventResolver,
  CharacterResolver,
  VideoCharactersResolver,
  ExtensionResolver,
  VideoExtensionsResolver,
  StoryboardResolver,
  StoryboardSceneResolver,
  VideoStoryboardResolver,
  BatchResolver,
  VideoBatchResolver,
  ModelResolver,
  ModelPinChangeResolver,
  BillingResolver,
  VideoCostResolver,
  TenantResolver,
  WebhookEndpointResolver,
  WebhookDeliveryResolver,
] as const;

registerNode(VIDEO_TYPE_NAME, Video, (ctx, id) => ctx.loaders.videoById.load(id));
registerNode(CHARACTER_TYPE_NAME, Character, (ctx, id) => ctx.loaders.characterById.load(id));
registerNode(EXTENSION_TYPE_NAME, Extension, (ctx, id) => ctx.em.findOne(Extension, { id }));
registerNode(STORYBOARD_TYPE_NAME, Storyboard, (ctx, id) => ctx.loaders.storyboardById.load(id));
registerNode(BATCH_TYPE_NAME, Batch, (ctx, id) => ctx.loaders.batchById.load(id));
registerNode(WEBHOOK_ENDPOINT_TYPE_NAME, WebhookEndpoint, (ctx, id) => ctx.em.findOne(WebhookEndpoint, { id }));
registerNode(WEBHOOK_DELIVERY_TYPE_NAME, OutboundDelivery, (ctx, id) => ctx.em.findOne(OutboundDelivery, { id }));
