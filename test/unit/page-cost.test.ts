import { type OperationDefinitionNode, parse } from 'graphql';
import { measureOperation } from '../../src/graphql/cost';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES } from '../../src/graphql/schema';

describe('query cost of backward pages', () => {
  it('charges last like first, so a large backward page cannot slip under the limit', async () => {
    const schema = await buildReelgraphSchema(NO_RESOLVER_INSTANCES);
    const cost = (args: string) => {
      const document = parse(`{ videos(${args}) { nodes { id source { id } } } }`);
      return measureOperation(schema, document, document.definitions[0] as OperationDefinitionNode, {}).cost;
    };
    expect(cost('first: 100')).toBeGreaterThan(cost('first: 1'));
    expect(cost('last: 100')).toBe(cost('first: 100'));
    expect(cost('last: 1')).toBe(cost('first: 1'));
  });
});
