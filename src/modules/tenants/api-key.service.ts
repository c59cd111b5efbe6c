import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { AppError, badInput, ErrorCode } from '../../errors';
import type { Viewer } from '../../graphql/context';
import { ApiKey, Role } from './api-key.entity';
import { Tenant } from './tenant.entity';
import { ensureTenant } from './tenant.service';

/** Every key starts with this, so leaked keys are easy to recognise (and to scan for). */
export const KEY_PREFIX = 'rgk_';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** SHA-256 of a presented key: what is stored and looked up. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A fresh key: `rgk_` + 40 base62 characters (≈ 238 bits). */
function newSecret(): string {
  const bytes = randomBytes(40);
  let s = KEY_PREFIX;
  // 256 % 62 gives a slight bias; irrelevant at this length.
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/** A key as shown after creation: the only time the secret is visible. */
export interface CreatedKey {
  key: ApiKey;
  secret: string;
}

/**
 * API keys: made by the CLI or an admin mutation, shown once, stored hashed, revocable.
 * `operatorTenant` names the tenant whose admins run the deployment (model pins, budgets).
 */
export class ApiKeyService {
  private readonly revokedListeners: ((keyIds: Set<string>) => Promise<void>)[] = [];

  constructor(
    private readonly orm: MikroORM,
    readonly operatorTenant: string,
  ) {}

  /** Creates a key for a tenant (the tenant is created if the slug is new). */
  async create(tenantSlug: string, role: Role, name: string): Promise<CreatedKey & { tenant: Tenant }> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenantSlug)) throw badInput('tenant', 'tenant must be 1 to 63 lowercase letters, digits or dashes.');
    if (!Object.values(Role).includes(role)) throw badInput('role', `role must be ${Object.values(Role).join(' or ')}.`);
    const label = name.trim().slice(0, 100) || 'unnamed';
    const tenant = await ensureTenant(this.orm, tenantSlug, tenantSlug);
    const secret = newSecret();
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const key = em.create(ApiKey, { tenantId: tenant.id, role, name: label, prefix: secret.slice(0, 12), hash: hashKey(secret) });
    await em.flush();
    return { key, secret, tenant };
  }

  /** The viewer a presented key stands for, or null when it is unknown or revoked. */
  async verify(secret: string): Promise<Viewer | null> {
    if (!secret.startsWith(KEY_PREFIX) || secret.length > 200) return null;
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const key = await em.findOne(ApiKey, { hash: hashKey(secret), revokedAt: null });
    if (!key) return null;
    const tenant = await em.findOneOrFail(Tenant, { id: key.tenantId });
    return { tenantId: key.tenantId, role: key.role, keyId: key.id, local: false, operator: tenant.slug === this.operatorTenant && key.role === Role.ADMIN };
  }

  /** Keys of a tenant (never the secrets), newest first. */
  async list(em: EntityManager, tenantId: string | undefined): Promise<ApiKey[]> {
    return em.find(ApiKey, tenantId ? { tenantId } : {}, { orderBy: { id: 'desc' } });
  }

  /**
   * Revokes a key. With `tenantId`, only a key of that tenant (an admin revoking its own
   * tenant's key; another tenant's key is NOT_FOUND, like a missing one).
   */
  async revoke(keyId: string, tenantId?: string): Promise<ApiKey> {
    const em = this.orm.em.fork({ clear: true, useContext: false });
    const key = await em.findOne(ApiKey, tenantId ? { id: keyId, tenantId } : { id: keyId });
    if (!key) throw new AppError(ErrorCode.NOT_FOUND, `No API key with id '${keyId}' exists.`, { field: 'input.keyId' });
    key.revokedAt ??= new Date();
    await em.flush();
    // Before returning: the caller's next request with this key must already fail.
    for (const listener of this.revokedListeners) await listener(new Set([key.id]));
    return key;
  }

  /** Called (and awaited) after each revocation is committed: the authenticator evicts the key and closes its sockets. */
  onRevoked(listener: (keyIds: Set<string>) => Promise<void>): void {
    this.revokedListeners.push(listener);
  }

  /** Whether any key can still authenticate (none: local mode). */
  async anyActive(): Promise<boolean> {
    return (await this.orm.em.fork({ clear: true, useContext: false }).count(ApiKey, { revokedAt: null })) > 0;
  }

  /** Keys revoked after `since` (the revocation watcher closes their sockets). */
  async revokedSince(since: Date): Promise<ApiKey[]> {
    return this.orm.em.fork({ clear: true, useContext: false }).find(ApiKey, { revokedAt: { $gt: since } });
  }
}
