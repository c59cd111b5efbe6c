import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OutboundWebhooksConfig } from '../../config';
import type { Task } from '../../jobs/task.entity';
import type { TaskOutcome } from '../../jobs/task-queue';
import type { Logger } from '../../logger';
import { OutboundError, send } from '../../net/outbound-http';
import type { EventLog } from '../events/event-log';
import { EventSubject } from '../events/event.entity';
import { DeliveryStatus, EndpointDisabledReason, OutboundDelivery, type SigningKeys, WebhookEndpoint } from './webhook-endpoint.entity';
import type { JobWebhookSecrets } from './job-webhook-secrets';
import { signedHeaders } from './webhook-signing';

/** Bytes of a receiver's answer read (and thrown away); the status code is what counts. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const DAY_MS = 24 * 3600 * 1000;

/** What one attempt produced. */
interface AttemptResult {
  status: number | null;
  latencyMs: number;
  error: string | null;
}

/** ±20 % around `ms`, so receivers that failed together are not retried in lockstep. */
export function withJitter(ms: number, random = Math.random): number {
  return Math.round(ms * (0.8 + 0.4 * random()));
}

/**
 * The `webhook.deliver` task: one signed POST per run. 2xx delivers; 410 disables the endpoint;
 * anything else (timeout, 5xx, reset, refused target) is retried on the configured schedule with
 * jitter, until the schedule runs out. An endpoint whose deliveries have all failed for
 * `disableAfterDays` is disabled, and the event log records both kinds of disabling.
 */
export class WebhookSender {
  constructor(
    private readonly config: OutboundWebhooksConfig,
    private readonly jobSecrets: JobWebhookSecrets,
    private readonly eventLog: EventLog,
    private readonly logger: Logger,
  ) {}

  readonly deliver = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const delivery = await em.findOne(OutboundDelivery, { id: task.subjectId });
    if (!delivery || delivery.status !== DeliveryStatus.PENDING) return { done: true };
    let endpoint: WebhookEndpoint | null = null;
    let url: string;
    let keys: SigningKeys;
    if (delivery.endpointId) {
      endpoint = await em.findOne(WebhookEndpoint, { id: delivery.endpointId });
      if (!endpoint || !endpoint.enabled) {
        await this.finish(em, delivery, DeliveryStatus.FAILED, { lastError: endpoint ? 'the endpoint is disabled' : 'the endpoint was deleted' });
        return { done: true };
      }
      url = endpoint.url;
      keys = endpoint;
    } else {
      url = delivery.jobUrl ?? '';
      keys = await this.jobSecrets.getOrCreate(em, delivery.tenantId);
    }

    const result = await this.attempt(url, keys, delivery);
    const attempts = delivery.attempts + 1;
    const seen = { attempts, lastResponseCode: result.status, lastLatencyMs: result.latencyMs, lastError: result.error };
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      await this.finish(em, delivery, DeliveryStatus.DELIVERED, { ...seen, lastError: null, deliveredAt: new Date() });
      if (endpoint?.failingSince) await em.nativeUpdate(WebhookEndpoint, { id: endpoint.id }, { failingSince: null });
      return { done: true };
    }
    if (result.status === 410) {
      const patch = { ...seen, lastError: 'the receiver answered 410 Gone' };
      if (endpoint) await this.disable(em, endpoint, EndpointDisabledReason.GONE, delivery, patch);
      else await this.finish(em, delivery, DeliveryStatus.FAILED, patch);
      return { done: true };
    }
    if (endpoint) {
      const failingSince = endpoint.failingSince ?? new Date();
      if (!endpoint.failingSince) await em.nativeUpdate(WebhookEndpoint, { id: endpoint.id }, { failingSince });
      if (Date.now() - failingSince.getTime() >= this.config.disableAfterDays * DAY_MS) {
        await this.disable(em, endpoint, EndpointDisabledReason.FAILING, delivery, seen);
        return { done: true };
      }
    }
    const schedule = this.config.retryScheduleMs;
    if (attempts > schedule.length) {
      await this.finish(em, delivery, DeliveryStatus.FAILED, seen);
      return { done: true };
    }
    const waitMs = withJitter(schedule[attempts - 1]);
    await em.nativeUpdate(OutboundDelivery, { id: delivery.id }, { ...seen, nextAttemptAt: new Date(Date.now() + waitMs) });
    return { retryInMs: waitMs, error: result.error ?? `HTTP ${result.status}`, healthy: true };
  };

  private async attempt(url: string, keys: SigningKeys, delivery: OutboundDelivery): Promise<AttemptResult> {
    const started = Date.now();
    try {
      const response = await send({
        method: 'POST',
        url: new URL(url),
        headers: { 'content-type': 'application/json', 'user-agent': 'Reelgraph-Webhooks/1', ...signedHeaders(keys, delivery.eventId, delivery.payload) },
        body: delivery.payload,
        timeoutMs: this.config.timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
        allowPrivate: this.config.allowPrivate,
      });
      return { status: response.status, latencyMs: response.latencyMs, error: response.status >= 300 ? `HTTP ${response.status}` : null };
    } catch (error) {
      const message = error instanceof OutboundError ? `${error.kind}: ${error.message}` : String(error);
      this.logger.info({ deliveryId: delivery.id, error: message }, 'webhook attempt failed');
      return { status: null, latencyMs: Date.now() - started, error: message.slice(0, 500) };
    }
  }

  private async finish(em: EntityManager, delivery: OutboundDelivery, status: DeliveryStatus, patch: Partial<OutboundDelivery>): Promise<void> {
    await em.nativeUpdate(OutboundDelivery, { id: delivery.id }, { ...patch, status, nextAttemptAt: null });
  }

  /** Fails the delivery, disables its endpoint and records why in the event log, in one transaction. */
  private async disable(em: SqlEntityManager, endpoint: WebhookEndpoint, reason: EndpointDisabledReason, delivery: OutboundDelivery, patch: Partial<OutboundDelivery>): Promise<void> {
    const seq = await em.transactional(async (tx) => {
      await this.finish(tx, delivery, DeliveryStatus.FAILED, patch);
      const updated = await tx.nativeUpdate(WebhookEndpoint, { id: endpoint.id, enabled: true }, { enabled: false, disabledReason: reason, version: endpoint.version + 1, updatedAt: new Date() });
      if (updated === 0) return undefined;
      return this.eventLog.record(tx, {
        tenantId: endpoint.tenantId,
        subject: EventSubject.WEBHOOK_ENDPOINT,
        subjectId: endpoint.id,
        status: 'DISABLED',
        progress: 0,
        version: endpoint.version + 1,
        errorCode: reason === EndpointDisabledReason.GONE ? 'ENDPOINT_GONE' : 'ENDPOINT_FAILING',
        occurredAt: new Date(),
      });
    });
    if (seq === undefined) return;
    this.eventLog.announce(endpoint.tenantId, seq);
    this.logger.warn({ endpointId: endpoint.id, tenantId: endpoint.tenantId, reason }, 'webhook endpoint disabled');
  }
}
