import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { ulid } from '../../ids';

/**
 * The runtime pin state of one model alias, for the whole deployment (not per tenant): a pinned
 * snapshot and an optional canary (a deterministic share of new jobs to a candidate snapshot).
 */
@Entity({ tableName: 'model_pin' })
export class ModelPin {
  @PrimaryKey({ length: 100 })
  alias!: string;

  /** Snapshot every new job of the alias runs, unless it falls in the canary. Null: no admin pin. */
  @Property({ type: 'string', length: 100, nullable: true })
  snapshot?: string | null;

  @Property({ type: 'string', length: 100, nullable: true })
  canarySnapshot?: string | null;

  /** Share of new jobs for the canary, 0 to 100. */
  @Property({ type: 'double', nullable: true })
  canaryPercent?: number | null;

  @Property()
  version: number & Opt = 1;

  @Property()
  updatedAt: Date & Opt = new Date();
}

/** What a pin change did. */
export enum PinAction {
  PIN = 'PIN',
  ROLLBACK = 'ROLLBACK',
  CANARY_START = 'CANARY_START',
  CANARY_STOP = 'CANARY_STOP',
}

/** One recorded change of a pin: who, when, from, to and why (the audit trail). */
@Entity({ tableName: 'model_pin_change' })
@Index({ name: 'model_pin_change_alias_index', properties: ['alias', 'id'] })
export class ModelPinChange {
  @PrimaryKey({ length: 26 })
  id: string & Opt = ulid();

  @Property({ length: 100 })
  alias!: string;

  @Enum({ items: () => PinAction })
  action!: PinAction;

  /** Effective snapshot before the change. */
  @Property({ length: 100 })
  fromSnapshot!: string;

  /** Effective snapshot after the change (for a canary: still the pinned one). */
  @Property({ length: 100 })
  toSnapshot!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  canarySnapshot?: string | null;

  @Property({ type: 'double', nullable: true })
  canaryPercent?: number | null;

  /** Who: an API key id, or `local` for the implicit local admin. */
  @Property({ length: 64 })
  actor!: string;

  @Property({ type: 'text' })
  reason!: string;

  @Property()
  createdAt: Date & Opt = new Date();
}
