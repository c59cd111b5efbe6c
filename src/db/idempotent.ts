import { Property } from '@mikro-orm/core';
import { TenantScoped } from './tenant-scoped';

/**
 * Base of rows a create-like mutation makes: the client's idempotency key and the hash of the
 * input it came with (see src/idempotency.ts). Each entity declares its own unique index on
 * (tenant, key), so keys are unique per tenant and per kind of object.
 */
export abstract class IdempotentRecord extends TenantScoped {
  @Property({ type: 'string', length: 255, nullable: true })
  idempotencyKey?: string | null;

  /** SHA-256 of the canonical input, to tell a retry (same input) from a conflicting reuse of a key. */
  @Property({ type: 'string', length: 64, nullable: true })
  inputHash?: string | null;
}
