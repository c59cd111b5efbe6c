import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from '../modules';

/**
 * Builds the executable schema from the resolver classes. `container` hands type-graphql the
 * resolver instances (with their services); the emitted SDL does not depend on it.
 */
export async function buildReelgraphSchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    container,
    // Required by type-graphql whenever subscriptions exist; ours bring their own `subscribe`
    // functions (reading Reelgraph's event bus from the context), so this one is never used.
    pubSub: createPubSub(),
    // class-validator runs on every input; forbidUnknownValues would reject plain objects type-graphql builds.
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
  });
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
