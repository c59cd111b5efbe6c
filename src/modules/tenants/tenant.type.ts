import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from './api-key.entity';

registerEnumType(Role, {
  name: 'Role',
  description: 'What an API key may do.',
  valuesConfig: {
    ADMIN: { description: 'Manages its tenant\'s keys; on the operator tenant also model pins and budgets.' },
    MEMBER: { description: 'Uses the API: videos, characters, batches, storyboards, events.' },
  },
});

@ObjectType('Tenant', { description: 'An organisation using Reelgraph; every object belongs to exactly one tenant and is invisible to the others.' })
export class TenantType {
  @Field(() => ID, { description: 'Global ID of the tenant.' })
  id!: string;

  @Field({ description: 'Short unique name used by operators, e.g. in setBudget(input.tenant).' })
  slug!: string;

  @Field({ description: 'Display name.' })
  name!: string;
}

@ObjectType('Viewer', { description: 'Who is calling.' })
export class ViewerType {
  @Field(() => TenantType, { description: 'The tenant the request acts for.' })
  tenant!: TenantType;

  @Field(() => Role, { description: 'What the caller may do (the key\'s role; ADMIN in local mode).' })
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'The API key used; null in local mode.' })
  keyId!: string | null;

  @Field({ description: 'True in local mode (no API keys exist; requests act as the local tenant).' })
  local!: boolean;

  @Field({ description: 'True for admins of the operator tenant (model pins, budgets).' })
  operator!: boolean;
}

@ObjectType('ApiKey', { description: 'An API key (the secret itself is only ever shown once, on creation).' })
export class ApiKeyType {
  @Field(() => ID, { description: 'Global ID of the key; pass it to revokeApiKey.' })
  id!: string;

  @Field({ description: 'The label given on creation.' })
  name!: string;

  @Field(() => Role, { description: 'What requests with this key may do.' })
  role!: Role;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => Date, { description: 'When the key was created (UTC).' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the key was revoked; null while it works.' })
  revokedAt!: Date | null;
}

@ObjectType('CreateApiKeyPayload', { description: 'Result of createApiKey: the key and, this once, its secret.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType, { description: 'The new key\'s record.' })
  apiKey!: ApiKeyType;

  @Field({ description: 'The key. Store it now: it is not shown again, and only its hash is kept.' })
  secret!: string;
}

@ObjectType('RevokeApiKeyPayload', { description: 'Result of revokeApiKey.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKeyType, { description: 'The key, now with `revokedAt` set.' })
  apiKey!: ApiKeyType;
}

@InputType('CreateApiKeyInput', { description: 'A new API key for the caller\'s tenant.' })
export class CreateApiKeyInput {
  @Field(() => Role, { defaultValue: Role.MEMBER, description: 'What the key may do; MEMBER when omitted.' })
  role!: Role;

  @Field({ description: 'A label, e.g. "mobile app".' })
  name!: string;
}

@InputType('RevokeApiKeyInput', { description: 'The key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: '`ApiKey.id` of one of the tenant\'s keys; revoking a revoked key changes nothing.' })
  keyId!: string;
}
