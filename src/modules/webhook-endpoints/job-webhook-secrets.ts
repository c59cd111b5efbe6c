import type { SqlEntityManager } from '@mikro-orm/knex';
import { ulid } from '../../ids';
import { JobWebhookSecret } from './webhook-endpoint.entity';
import { generateSigningSecret, rotate } from './webhook-signing';

/**
 * The per-tenant secret that signs per-job `webhookUrl` callbacks. Made on first use (by the
 * first callback or the first `jobWebhookSecret` query), so a tenant that never uses per-job
 * webhooks has none.
 */
export class JobWebhookSecrets {
  constructor(private readonly overlapSeconds: number) {}

  async getOrCreate(em: SqlEntityManager, tenantId: string): Promise<JobWebhookSecret> {
    const existing = await em.findOne(JobWebhookSecret, { tenantId });
    if (existing) return existing;
    await em
      .createQueryBuilder(JobWebhookSecret)
      .insert({ id: ulid(), tenantId, secret: generateSigningSecret(), previousSecret: null, previousSecretExpiresAt: null, createdAt: new Date() })
      .onConflict('tenantId')
      .ignore()
      .execute('run');
    // Whoever won a race, every caller reads the one row.
    return em.fork({ clear: true }).findOneOrFail(JobWebhookSecret, { tenantId });
  }

  /** Replaces the secret; the old one keeps signing for the overlap. Returns the row after. */
  async rotate(em: SqlEntityManager, tenantId: string): Promise<JobWebhookSecret> {
    const keys = await this.getOrCreate(em, tenantId);
    const managed = await em.findOneOrFail(JobWebhookSecret, { id: keys.id });
    rotate(managed, this.overlapSeconds);
    await em.flush();
    return managed;
  }
}
