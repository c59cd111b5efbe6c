import type { MikroORM } from '@mikro-orm/core';
import OpenAI from 'openai';
import { forkForWorkers } from '../../db/tenant-scoped';
import type { TaskQueue } from '../../jobs/task-queue';
import type { Logger } from '../../logger';
import { Video } from '../videos/video.entity';
import { VideoTask } from '../videos/video.state';
import { WebhookDelivery } from './webhook-delivery.entity';

/** What intake did with a delivery. */
export type IntakeResult =
  | { status: 'rejected'; reason: string }
  | { status: 'duplicate' }
  | { status: 'accepted'; outcome: 'matched' | 'unmatched' | 'ignored' };

/** Finds the work a webhook event should trigger, for event families handled elsewhere (batches). */
export type WebhookRoute = (em: ReturnType<typeof forkForWorkers>, objectId: string) => Promise<{ kind: string; subjectId: string; tenantId: string } | undefined>;

/** Signature tolerance, as the SDK's default: five minutes either way. */
const TOLERANCE_SECONDS = 300;

/**
 * Webhook intake. A delivery is verified with the `openai` SDK (Standard Webhooks), deduplicated by
 * `webhook-id`, and turned into "poll this job now": the poll task is scheduled in the same
 * transaction as the dedupe record, so an acknowledged webhook is never lost, and the state that
 * gets applied is always the upstream's authoritative one (webhooks carry only an id).
 */
export class WebhookService {
  private readonly sdk: OpenAI;
  private readonly routes = new Map<string, WebhookRoute>();

  constructor(
    private readonly orm: MikroORM,
    private readonly queue: TaskQueue,
    private readonly secret: string | undefined,
    private readonly logger: Logger,
  ) {
    // Only the webhook helpers are used; the key is never sent anywhere.
    this.sdk = new OpenAI({ apiKey: 'webhook-verification-only', webhookSecret: secret ?? null });
    this.routes.set('video', async (em, objectId) => {
      const video = await em.findOne(Video, { upstreamId: objectId }, { fields: ['id', 'tenantId'] });
      return video ? { kind: VideoTask.POLL, subjectId: video.id, tenantId: video.tenantId } : undefined;
    });
  }

  /** Lets a feature handle an event family (`batch.*` → batches). */
  route(family: string, route: WebhookRoute): void {
    this.routes.set(family, route);
  }

  get configured(): boolean {
    return Boolean(this.secret);
  }

  async receive(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<IntakeResult> {
    let event: { type?: unknown; data?: { id?: unknown } };
    try {
      event = (await this.sdk.webhooks.unwrap(rawBody, flatten(headers), this.secret, TOLERANCE_SECONDS)) as typeof event;
    } catch (error) {
      return { status: 'rejected', reason: error instanceof Error ? error.message : 'invalid webhook' };
    }
    const deliveryId = String(flatten(headers)['webhook-id']);
    const type = typeof event.type === 'string' ? event.type : 'unknown';
    const objectId = typeof event.data?.id === 'string' ? event.data.id : null;
    const route = this.routes.get(type.split('.')[0]);

    const em = forkForWorkers(this.orm);
    return em.transactional(async (tx) => {
      const inserted = await tx
        .createQueryBuilder(WebhookDelivery)
        .insert({ id: deliveryId, type, objectId, outcome: 'pending', receivedAt: new Date() })
        .onConflict('id')
        .ignore()
        .execute('run');
      if ((inserted as { affectedRows?: number }).affectedRows === 0) return { status: 'duplicate' } as const;
      let outcome: 'matched' | 'unmatched' | 'ignored' = 'ignored';
      if (route && objectId) {
        const work = await route(tx as ReturnType<typeof forkForWorkers>, objectId);
        outcome = work ? 'matched' : 'unmatched';
        if (work) await this.queue.schedule(tx, work);
      } else {
        this.logger.info({ type, deliveryId }, 'webhook event type not handled; acknowledged');
      }
      await tx.nativeUpdate(WebhookDelivery, { id: deliveryId }, { outcome });
      return { status: 'accepted', outcome } as const;
    });
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return result;
}
