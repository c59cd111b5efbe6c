import { type MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Tenant } from './tenant.entity';

/** Slug of the implicit tenant used when no API keys exist (local mode). */
export const LOCAL_TENANT_SLUG = 'local';

/** Returns the tenant with `slug`, creating it if needed; safe when several instances start at once. */
export async function ensureTenant(orm: MikroORM, slug: string, name: string): Promise<Tenant> {
  const em = orm.em.fork({ clear: true, useContext: false });
  const existing = await em.findOne(Tenant, { slug });
  if (existing) return existing;
  try {
    const tenant = em.create(Tenant, { slug, name });
    await em.flush();
    return tenant;
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    return orm.em.fork({ clear: true, useContext: false }).findOneOrFail(Tenant, { slug });
  }
}
