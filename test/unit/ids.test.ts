import { isUlid, ulid } from '../../src/ids';
import { decodeCursor, expectGlobalId, fromGlobalId, toGlobalId } from '../../src/graphql/relay';

describe('ids', () => {
  it('ULIDs are unique and sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => ulid(1_795_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every(isUlid)).toBe(true);
  });

  it('global ids round-trip and reject foreign or malformed values', () => {
    const id = ulid();
    const global = toGlobalId('Video', id);
    expect(fromGlobalId(global)).toEqual({ typeName: 'Video', id });
    expect(fromGlobalId('not-an-id')).toBeUndefined();
    expect(fromGlobalId(toGlobalId('Video', 'abc'))).toBeUndefined();
    expect(() => expectGlobalId(toGlobalId('Character', id), 'Video', 'input.videoId')).toThrow(/input.videoId must be a Video ID/);
    expect(() => decodeCursor('garbage')).toThrow(/after is not a cursor/);
  });
});
