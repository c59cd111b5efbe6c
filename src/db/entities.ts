import { Task } from '../jobs/task.entity';
import { EventRecord } from '../modules/events/event.entity';
import { Tenant } from '../modules/tenants/tenant.entity';
import { Video } from '../modules/videos/video.entity';
import { WebhookDelivery } from '../modules/webhooks/webhook-delivery.entity';

/** Every entity Reelgraph persists; the ORM, the migration generator and tests discover them here. */
export const ENTITIES = [Tenant, Video, Task, EventRecord, WebhookDelivery];
