import type { EntityManager } from '@mikro-orm/core';
import { ulid } from '../../ids';
import type { TaskQueue } from '../../jobs/task-queue';
import type { Batch } from '../batches/batch.entity';
import { BatchStatus } from '../batches/batch.entity';
import type { Storyboard } from '../storyboards/storyboard.entity';
import { StoryboardStatus } from '../storyboards/storyboard.entity';
import type { TransitionHook } from '../videos/video.transitions';
import { DeliveryStatus, JobWebhook, OutboundDelivery, WebhookEndpoint, WebhookEventType } from './webhook-endpoint.entity';
import { batchObject, storyboardObject, videoEventType, videoObject, type WebhookMessage } from './webhook-payloads';

/** Task that makes one attempt at one delivery. */
export const WEBHOOK_DELIVER_TASK = 'webhook.deliver';

/**
 * The outbox of outbound webhooks: records one delivery per receiver, in the transaction of the
 * state change it reports, with its delivery task, so a committed change is delivered at least
 * once and a rolled-back one never is.
 */
export class WebhookOutbox {
  constructor(private readonly queue: TaskQueue) {}

  /** Transition hook: a video reached COMPLETED, FAILED or CANCELLED. */
  readonly onVideoTransition: TransitionHook = async (tx, before, after, effects) => {
    if (before.status === after.status) return;
    const type = videoEventType(after.status);
    if (!type) return;
    effects.outboundDeliveries = await this.record(tx, after.tenantId, type, after.updatedAt, videoObject(after), after.id);
  };

  /** Called in the transaction that moved a batch to a terminal status. */
  readonly onBatchFinished = async (tx: EntityManager, batch: Batch): Promise<void> => {
    if (batch.status !== BatchStatus.COMPLETED) return;
    await this.record(tx, batch.tenantId, WebhookEventType.BATCH_COMPLETED, new Date(), batchObject(batch));
  };

  /** Called in the transaction that finished a storyboard. */
  readonly onStoryboardFinished = async (tx: EntityManager, storyboard: Storyboard, finalVideoId: string | undefined): Promise<void> => {
    if (storyboard.status !== StoryboardStatus.COMPLETED) return;
    await this.record(tx, storyboard.tenantId, WebhookEventType.STORYBOARD_COMPLETED, new Date(), storyboardObject(storyboard, finalVideoId));
  };

  /**
   * Writes the deliveries of one event: to each enabled endpoint of the tenant subscribed to it,
   * and to the job's own `webhookUrl` for a video's terminal state.
   */
  private async record(tx: EntityManager, tenantId: string, type: WebhookEventType, at: Date, object: Record<string, unknown>, videoId?: string): Promise<number> {
    const endpoints = (await tx.find(WebhookEndpoint, { tenantId, enabled: true }, { fields: ['id', 'events'] })).filter((e) => e.events.includes(type));
    const job = videoId ? await tx.findOne(JobWebhook, { videoId, tenantId }) : null;
    if (endpoints.length === 0 && !job) return 0;
    const message: WebhookMessage = { id: `msg_${ulid()}`, type, timestamp: at.toISOString(), data: { object } };
    const payload = JSON.stringify(message);
    const targets: { endpointId: string | null; jobUrl: string | null }[] = [
      ...endpoints.map((e) => ({ endpointId: e.id, jobUrl: null })),
      ...(job ? [{ endpointId: null, jobUrl: job.url }] : []),
    ];
    for (const target of targets) {
      await this.insert(tx, { tenantId, ...target, eventId: message.id, eventType: type, payload });
    }
    return targets.length;
  }

  /** Inserts one PENDING delivery and its task (a redelivery uses it too). Returns its id. */
  async insert(tx: EntityManager, row: Pick<OutboundDelivery, 'tenantId' | 'endpointId' | 'jobUrl' | 'eventId' | 'eventType' | 'payload'>): Promise<string> {
    const now = new Date();
    const id = ulid();
    await tx.insert(OutboundDelivery, {
      id,
      ...row,
      status: DeliveryStatus.PENDING,
      attempts: 0,
      lastResponseCode: null,
      lastLatencyMs: null,
      lastError: null,
      nextAttemptAt: now,
      deliveredAt: null,
      createdAt: now,
    });
    await this.queue.schedule(tx, { kind: WEBHOOK_DELIVER_TASK, subjectId: id, tenantId: row.tenantId });
    return id;
  }
}
