import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { nodeFetcher } from '../../graphql/nodes';
import { fromGlobalId, MAX_PAGE_SIZE, NodeInterface } from '../../graphql/relay';
import { badInput } from '../../errors';

/** Relay object identification: fetch any object of the viewer by its global ID. */
@Resolver()
export class NodeResolver {
  @Query(() => NodeInterface, { nullable: true, description: 'Any object of the viewer by global ID; null when there is none.' })
  async node(@Arg('id', () => ID, { description: 'A global ID as returned by any `id` field.' }) id: string, @Ctx() ctx: RequestContext): Promise<object | null> {
    return (await fetchNode(ctx, id)) ?? null;
  }

  @Query(() => [NodeInterface], { nullable: 'items', description: `Several objects by global ID (at most ${MAX_PAGE_SIZE}), in the order asked; null where there is none.` })
  async nodes(@Arg('ids', () => [ID], { description: 'Up to 100 global IDs, answered in the same order (null for each one that does not resolve).' }) ids: string[], @Ctx() ctx: RequestContext): Promise<(object | null)[]> {
    if (ids.length > MAX_PAGE_SIZE) throw badInput('ids', `ids may hold at most ${MAX_PAGE_SIZE} IDs (got ${ids.length}).`);
    return Promise.all(ids.map(async (id) => (await fetchNode(ctx, id)) ?? null));
  }
}

async function fetchNode(ctx: RequestContext, id: string): Promise<object | null | undefined> {
  const parsed = fromGlobalId(id);
  const fetch = parsed && nodeFetcher(parsed.typeName);
  return fetch ? fetch(ctx, parsed.id) : null;
}
