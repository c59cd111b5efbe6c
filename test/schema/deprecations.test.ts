import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES } from '../../src/graphql/schema';

const root = path.join(__dirname, '..', '..');

/** `Type.field` → deprecation reason, for every deprecated field of the schema. */
function deprecatedFields(schema: GraphQLSchema): Record<string, string> {
  const found: Record<string, string> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) if (field.deprecationReason) found[`${type.name}.${field.name}`] = field.deprecationReason;
  }
  return found;
}

/** The studio's own sources (the generated typed documents excluded: they mirror the whole schema). */
function studioSources(): string {
  const dir = path.join(root, 'src', 'web', 'studio');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|tsx)$/.test(file))
    .map((file) => readFileSync(path.join(dir, file), 'utf8'))
    .join('\n');
}

describe('deprecations', () => {
  it('remixVideo, and the capability only it reads, are deprecated in favour of editVideo; nothing else is', async () => {
    const deprecated = deprecatedFields(await buildReelgraphSchema(NO_RESOLVER_INSTANCES));
    expect(Object.keys(deprecated).sort()).toEqual(['ModelCapabilities.remix', 'Mutation.remixVideo']);
    expect(deprecated['Mutation.remixVideo']).toMatch(/Use `editVideo`/);
    expect(deprecated['ModelCapabilities.remix']).toMatch(/editVideo/);
  });

  it('the studio uses editVideo, not the deprecated remixVideo', () => {
    const sources = studioSources();
    expect(sources).toMatch(/\beditVideo\b/);
    expect(sources).not.toMatch(/\bremixVideo\b/);
  });
});
