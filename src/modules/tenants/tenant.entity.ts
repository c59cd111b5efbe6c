import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { ulid } from '../../ids';

/** A customer of the platform. Every other row belongs to exactly one tenant. */
@Entity({ tableName: 'tenant' })
export class Tenant {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  /** Short stable handle, e.g. `acme`; the implicit local tenant is `local`. */
  @Property({ length: 64, unique: true })
  slug!: string;

  @Property({ length: 200 })
  name!: string;

  @Property()
  createdAt: Date & Opt = new Date();
}
