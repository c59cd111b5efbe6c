import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isIntrospectionType,
} from 'graphql';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES } from '../../src/graphql/schema';

/** A description documents something when it says more than the name it sits on. */
function documents(description: string | null | undefined, name: string): boolean {
  const text = description?.trim() ?? '';
  return text.length > 0 && text.toLowerCase() !== name.toLowerCase();
}

/**
 * Every schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `Input.field`)
 * without a description, as a schema lint would report them. Built-in scalars and introspection
 * types are graphql-js's, documented by the spec.
 */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const checkArgs = (coordinate: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) if (!documents(arg.description, arg.name)) missing.push(`${coordinate}(${arg.name}:)`);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!documents(type.description, type.name)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        if (!documents(field.description, field.name)) missing.push(coordinate);
        checkArgs(coordinate, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!documents(field.description, field.name)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!documents(value.description, value.name)) missing.push(`${type.name}.${value.name}`);
    }
  }
  for (const directive of schema.getDirectives()) {
    // The specified directives (@deprecated, @include ...) are documented by graphql-js.
    if (['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf'].includes(directive.name)) continue;
    if (!documents(directive.description, directive.name)) missing.push(`@${directive.name}`);
    checkArgs(`@${directive.name}`, directive.args);
  }
  return missing.sort();
}

describe('schema descriptions', () => {
  it('the lint finds every kind of undocumented coordinate (positive control)', () => {
    const sdl = `
      "Documented root." type Query { "ok" a(x: Int, "ok" y: Int): E, b: In }
      enum E { "ok" ONE TWO }
      input In { "ok" p: Int, q: Int }
      "Documented interface." interface I { "ok" f: Int, g: Int }
      type T implements I { "ok" f: Int, "g" g: Int }
    `;
    expect(undocumented(buildSchema(sdl))).toEqual(['E', 'E.TWO', 'I.g', 'In', 'In.q', 'Query.a(x:)', 'Query.b', 'T', 'T.g']);
  });

  it('every type, field, argument, enum value and input field of the built schema has a description', async () => {
    expect(undocumented(await buildReelgraphSchema(NO_RESOLVER_INSTANCES))).toEqual([]);
  });

  it('so does the committed schema/schema.graphql that clients and codegen read', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(undocumented(buildSchema(committed))).toEqual([]);
  });
});
