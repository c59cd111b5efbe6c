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

@ObjectType('Tenant')
export class TenantType {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;
}

@ObjectType('Viewer', { description: 'Who is calling.' })
export class ViewerType {
  @Field(() => TenantType)
  tenant!: TenantType;

  @Field(() => Role)
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
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  prefix!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;

  @Field({ description: 'The key. Store it now: it is not shown again, and only its hash is kept.' })
  secret!: string;
}

@ObjectType('RevokeApiKeyPayload')
export class RevokeApiKeyPayload {
  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;
}

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => Role, { defaultValue: Role.MEMBER })
  role!: Role;

  @Field({ description: 'A label, e.g. "mobile app".' })
  name!: string;
}

@InputType('RevokeApiKeyInput')
export class RevokeApiKeyInput {
  @Field(() => ID)
  keyId!: string;
}
