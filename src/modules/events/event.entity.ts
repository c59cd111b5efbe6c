import { BigIntType, Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantScoped } from '../../db/tenant-scoped';

/** What kind of object an event is about. */
export enum EventSubject {
  VIDEO = 'VIDEO',
  /** An outbound webhook endpoint (disabled because it kept failing or answered 410). */
  WEBHOOK_ENDPOINT = 'WEBHOOK_ENDPOINT',
}

/** GraphQL type name of each subject, for its global id. */
export const SUBJECT_TYPE_NAMES: Record<EventSubject, string> = { VIDEO: 'Video', WEBHOOK_ENDPOINT: 'WebhookEndpoint' };

/**
 * One committed state change, appended in the same transaction as the change. `seq` is the
 * cursor: within a tenant, events commit in `seq` order (see EventLog), so "everything after
 * cursor X" is exactly what a client missed.
 */
@Entity({ tableName: 'event' })
@Index({ name: 'event_tenant_seq_index', properties: ['tenantId', 'seq'] })
@Index({ name: 'event_subject_index', properties: ['subjectId', 'seq'] })
export class EventRecord extends TenantScoped {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  seq!: number & Opt;

  @Property({ length: 16 })
  subject!: EventSubject;

  /** Row id of the object (video id, …). */
  @Property({ length: 26 })
  subjectId!: string;

  /** The object's status after the change. */
  @Property({ length: 32 })
  status!: string;

  @Property()
  progress!: number;

  /** The object's version after the change. */
  @Property()
  version!: number;

  /** Error code when the change was a failure. */
  @Property({ type: 'string', length: 64, nullable: true })
  errorCode?: string | null;

  @Property()
  occurredAt: Date & Opt = new Date();
}
