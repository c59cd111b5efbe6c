import { Task } from '../jobs/task.entity';
import { Batch } from '../modules/batches/batch.entity';
import { TenantBudget } from '../modules/billing/budget.entity';
import { ModelPin, ModelPinChange } from '../modules/models/pin.entity';
import { Character } from '../modules/characters/character.entity';
import { VideoCharacter } from '../modules/characters/video-character.entity';
import { EventRecord } from '../modules/events/event.entity';
import { Extension } from '../modules/extensions/extension.entity';
import { Storyboard, StoryboardScene } from '../modules/storyboards/storyboard.entity';
import { ApiKey } from '../modules/tenants/api-key.entity';
import { Tenant } from '../modules/tenants/tenant.entity';
import { Upload } from '../modules/uploads/upload.entity';
import { Video } from '../modules/videos/video.entity';
import { WebhookDelivery } from '../modules/webhooks/webhook-delivery.entity';
import { JobWebhook, JobWebhookSecret, OutboundDelivery, WebhookEndpoint } from '../modules/webhook-endpoints/webhook-endpoint.entity';

/** Every entity Reelgraph persists; the ORM, the migration generator and tests discover them here. */
export const ENTITIES = [Tenant, Video, Task, EventRecord, WebhookDelivery, Upload, Character, VideoCharacter, Extension, Storyboard, StoryboardScene, Batch, ModelPin, ModelPinChange, TenantBudget, ApiKey, WebhookEndpoint, OutboundDelivery, JobWebhook, JobWebhookSecret];
