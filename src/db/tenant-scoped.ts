import { type EntityManager, Filter, Index, type MikroORM, Property } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';

/** Name of the MikroORM filter that confines every read to the viewer's tenant. */
export const TENANT_FILTER = 'tenant';

/**
 * Filter parameter that lets background workers (which serve every tenant) read all rows.
 * Only {@link forkForWorkers} sets it; a request EntityManager always carries a real tenant id.
 */
export const ANY_TENANT = '*';

/** Parameters of {@link TENANT_FILTER}. */
export interface TenantFilterParams {
  tenantId: string;
}

/**
 * Base class of every entity that belongs to a tenant.
 *
 * The `tenant` filter is on by default and takes a parameter, so a query made on an
 * EntityManager without a tenant set throws ("No arguments provided for filter 'tenant'")
 * instead of reading across tenants.
 */
@Filter({
  name: TENANT_FILTER,
  cond: (args: TenantFilterParams) => (args.tenantId === ANY_TENANT ? {} : { tenantId: args.tenantId }),
  default: true,
})
export abstract class TenantScoped {
  @Index()
  @Property({ length: 26 })
  tenantId!: string;
}

/** A fresh EntityManager whose reads are confined to one tenant (one per request). */
export function forkForTenant(orm: MikroORM, tenantId: string): SqlEntityManager {
  if (!tenantId || tenantId === ANY_TENANT) throw new Error('forkForTenant needs a concrete tenant id');
  const em = orm.em.fork({ clear: true, useContext: false }) as SqlEntityManager;
  em.setFilterParams(TENANT_FILTER, { tenantId } satisfies TenantFilterParams);
  return em;
}

/** A fresh EntityManager for background work across all tenants. Writes still carry each row's tenant. */
export function forkForWorkers(orm: MikroORM | EntityManager): SqlEntityManager {
  const base = 'em' in orm ? orm.em : orm;
  const em = base.fork({ clear: true, useContext: false }) as SqlEntityManager;
  em.setFilterParams(TENANT_FILTER, { tenantId: ANY_TENANT } satisfies TenantFilterParams);
  return em;
}
