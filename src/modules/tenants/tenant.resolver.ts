import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { requireAdmin } from '../../graphql/authz';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, toGlobalId } from '../../graphql/relay';
import type { ApiKey } from './api-key.entity';
import type { ApiKeyService } from './api-key.service';
import { Tenant } from './tenant.entity';
import { ApiKeyType, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload, ViewerType } from './tenant.type';

/** Global type name of API keys. */
export const API_KEY_TYPE_NAME = 'ApiKey';

function toApiKey(key: ApiKey): ApiKeyType {
  return { id: toGlobalId(API_KEY_TYPE_NAME, key.id), name: key.name, role: key.role, prefix: key.prefix, createdAt: key.createdAt, revokedAt: key.revokedAt ?? null };
}

/** Who is calling, and (admins) their tenant's keys. */
@Resolver()
export class TenantResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Query(() => ViewerType, { description: 'Who is calling: tenant, role, key.' })
  async viewer(@Ctx() ctx: RequestContext): Promise<ViewerType> {
    const tenant = await ctx.em.findOneOrFail(Tenant, { id: ctx.viewer.tenantId });
    return {
      tenant: { id: toGlobalId('Tenant', tenant.id), slug: tenant.slug, name: tenant.name },
      role: ctx.viewer.role as ViewerType['role'],
      keyId: ctx.viewer.keyId ? toGlobalId(API_KEY_TYPE_NAME, ctx.viewer.keyId) : null,
      local: ctx.viewer.local,
      operator: Boolean(ctx.viewer.operator),
    };
  }

  @Query(() => [ApiKeyType], { description: 'The tenant\'s API keys, newest first (admin).' })
  async apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKeyType[]> {
    requireAdmin(ctx.viewer, 'Listing API keys');
    return (await this.keys.list(ctx.em, ctx.viewer.tenantId)).map(toApiKey);
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Creates an API key for the caller\'s tenant (admin). The secret is returned once.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'The label and the role.' }) input: CreateApiKeyInput, @Ctx() ctx: RequestContext): Promise<CreateApiKeyPayload> {
    requireAdmin(ctx.viewer, 'Creating API keys');
    const tenant = await ctx.em.findOneOrFail(Tenant, { id: ctx.viewer.tenantId });
    const { key, secret } = await this.keys.create(tenant.slug, input.role, input.name);
    return { apiKey: toApiKey(key), secret };
  }

  @Mutation(() => RevokeApiKeyPayload, { description: 'Revokes one of the tenant\'s keys (admin): requests with it fail at once and its WebSocket connections close (4401).' })
  async revokeApiKey(@Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput, @Ctx() ctx: RequestContext): Promise<RevokeApiKeyPayload> {
    requireAdmin(ctx.viewer, 'Revoking API keys');
    const id = expectGlobalId(input.keyId, API_KEY_TYPE_NAME, 'input.keyId');
    return { apiKey: toApiKey(await this.keys.revoke(id, ctx.viewer.tenantId)) };
  }
}
