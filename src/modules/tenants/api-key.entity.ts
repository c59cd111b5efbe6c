import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { ulid } from '../../ids';

/** What a key may do. */
export enum Role {
  /** Manages its tenant's keys; on the operator tenant also model pins and budgets. */
  ADMIN = 'admin',
  MEMBER = 'member',
}

/**
 * An API key. Only the SHA-256 of the secret is stored: the secret is shown once, when the key is
 * made. Keys are looked up by that hash across tenants (authentication happens before a tenant is
 * known), so this entity is not tenant-filtered; listing queries scope by `tenantId` explicitly.
 */
@Entity({ tableName: 'api_key' })
@Index({ name: 'api_key_tenant_index', properties: ['tenantId'] })
export class ApiKey {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Property({ length: 26 })
  tenantId!: string;

  @Enum({ items: () => Role })
  role!: Role;

  /** A label for people ("ci", "mobile app"). */
  @Property({ length: 100 })
  name!: string;

  /** The first characters of the key, so people can tell keys apart without the secret. */
  @Property({ length: 16 })
  prefix!: string;

  @Property({ length: 64, unique: true })
  hash!: string;

  @Property()
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date | null;
}
