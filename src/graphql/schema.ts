import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
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
    // class-validator runs on every input; forbidUnknownValues would reject plain objects type-graphql builds.
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
  });
}

/** The SDL as committed in `schema/schema.graphql`: sorted, so diffs show real changes only. */
export function printReelgraphSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** A container for building the schema without running it (emitting SDL, codegen). */
export const NO_RESOLVER_INSTANCES: ContainerType = {
  get: () => {
    throw new Error('this schema was built for printing only');
  },
};
