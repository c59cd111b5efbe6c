import 'reflect-metadata';
import { type GraphQLSchema, isObjectType, lexicographicSortSchema, printSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../modules';

/**
 * Builds the executable schema from the resolver classes. `container` hands type-graphql the
 * resolver instances (with their services); the emitted SDL does not depend on it.
 */
export async function buildReelgraphSchema(container: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    container,
    // Required by type-graphql whenever subscriptions exist; ours bring their own `subscribe`
    // functions (reading Reelgraph's event bus from the context), so this one is never used.
    pubSub: createPubSub(),
    // class-validator runs on every input; forbidUnknownValues would reject plain objects type-graphql builds.
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
  });
  describeRootTypes(schema);
  inheritInterfaceDescriptions(schema);
  return schema;
}

/** type-graphql has no option for the root types' descriptions, so they are set on the built types. */
const ROOT_DESCRIPTIONS = {
  query: 'Reads. Every list is a Relay connection (`first`/`after` or `last`/`before`, at most 100 per page); objects of other tenants never appear.',
  mutation: 'Writes. Each takes one `input` and returns a payload; refused input names the field in `extensions.field` and changes nothing.',
  subscription: 'Live updates over graphql-ws (WebSocket) or server-sent events: the current state first, then every change.',
} as const;

function describeRootTypes(schema: GraphQLSchema): void {
  const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
  for (const [kind, type] of Object.entries(roots)) {
    if (type && !type.description) type.description = ROOT_DESCRIPTIONS[kind as keyof typeof ROOT_DESCRIPTIONS];
  }
}

/**
 * Copies an interface field's description to the implementing types' fields that have none:
 * type-graphql does not, so every `Node.id` would otherwise be undocumented on the object types.
 */
function inheritInterfaceDescriptions(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const iface of type.getInterfaces()) {
      const inherited = iface.getFields();
      for (const field of Object.values(type.getFields())) {
        if (!field.description && inherited[field.name]?.description) field.description = inherited[field.name].description;
      }
    }
  }
}

/** The SDL as committed in `schema/schema.graphql`: sorted, so diffs show real changes only. */
export function printReelgraphSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** Hands type-graphql the resolver instances (constructed with their services by the composition root). */
export function resolverContainer(instances: object[]): ContainerType {
  const byClass = new Map<Function, object>(instances.map((instance) => [instance.constructor, instance]));
  return {
    get: (cls) => {
      const instance = byClass.get(cls as Function);
      if (!instance) throw new Error(`no instance registered for resolver ${(cls as Function).name}`);
      return instance;
    },
  };
}

/** A container for building the schema without running it (emitting SDL, codegen). */
export const NO_RESOLVER_INSTANCES: ContainerType = {
  get: () => {
    throw new Error('this schema was built for printing only');
  },
};
