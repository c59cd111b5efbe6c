import { getNamedType, type GraphQLEnumType, isEnumType, isNonNullType, isObjectType } from 'graphql';
import { ErrorCode } from '../../src/errors';
import { toErrorCode } from '../../src/graphql/error-code';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES } from '../../src/graphql/schema';

describe('ErrorCode in the schema', () => {
  it('is an enum of exactly the codes of src/errors.ts, with the same wire values, each described', async () => {
    const schema = await buildReelgraphSchema(NO_RESOLVER_INSTANCES);
    const type = schema.getType('ErrorCode');
    expect(isEnumType(type)).toBe(true);
    const values = (type as GraphQLEnumType).getValues();
    expect(values.map((v) => v.name).sort()).toEqual(Object.keys(ErrorCode).sort());
    for (const value of values) {
      expect(value.value).toBe(ErrorCode[value.name as keyof typeof ErrorCode]);
      expect(value.description?.length ?? 0).toBeGreaterThan(20);
    }
  });

  it.each([
    ['VideoError', 'code'],
    ['BatchItemError', 'code'],
  ])('%s.%s is a non-null ErrorCode', async (typeName, fieldName) => {
    const schema = await buildReelgraphSchema(NO_RESOLVER_INSTANCES);
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    const field = type.getFields()[fieldName];
    expect(isNonNullType(field.type)).toBe(true);
    expect(getNamedType(field.type).name).toBe('ErrorCode');
  });

  it('reads every stored code as itself and anything else as UPSTREAM_ERROR', () => {
    for (const code of Object.values(ErrorCode)) expect(toErrorCode(code)).toBe(code);
    expect(toErrorCode('SOMETHING_OLD')).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(toErrorCode(null)).toBe(ErrorCode.UPSTREAM_ERROR);
    expect(toErrorCode(undefined)).toBe(ErrorCode.UPSTREAM_ERROR);
  });
});
