import type { ConcreteRequest, NormalizationLinkedField, ReaderLinkedField } from 'relay-runtime';

/*
 * What relay-compiler emits for
 *   query ClientsVideosPageQuery($first: Int, $after: String) {
 *     videos(first: $first, after: $after) { edges { cursor node { id prompt } } pageInfo { endCursor hasNextPage } }
 *   }
 * and for its backward twin ClientsVideosBackwardQuery($last: Int, $before: String) selecting
 * `pageInfo { startCursor hasPreviousPage }`, written out here so the test needs no compiler step.
 * Reader and normalization ASTs coincide for plain scalar and linked fields.
 */
const scalar = (name: string) => ({ alias: null, args: null, kind: 'ScalarField', name, storageKey: null }) as const;

const DIRECTIONS = {
  forward: { name: 'ClientsVideosPageQuery', cursor: 'after', size: 'first', pageInfo: ['endCursor', 'hasNextPage'] },
  backward: { name: 'ClientsVideosBackwardQuery', cursor: 'before', size: 'last', pageInfo: ['startCursor', 'hasPreviousPage'] },
} as const;

function videosPageQuery(direction: keyof typeof DIRECTIONS): ConcreteRequest {
  const { name, cursor, size, pageInfo } = DIRECTIONS[direction];
  // relay-compiler sorts arguments by name.
  const [a, b] = [cursor, size].sort();
  const videos: ReaderLinkedField & NormalizationLinkedField = {
    alias: null,
    args: [
      { kind: 'Variable', name: a, variableName: a },
      { kind: 'Variable', name: b, variableName: b },
    ],
    concreteType: 'VideoConnection',
    kind: 'LinkedField',
    name: 'videos',
    plural: false,
    storageKey: null,
    selections: [
      {
        alias: null,
        args: null,
        concreteType: 'VideoEdge',
        kind: 'LinkedField',
        name: 'edges',
        plural: true,
        storageKey: null,
        selections: [scalar('cursor'), { alias: null, args: null, concreteType: 'Video', kind: 'LinkedField', name: 'node', plural: false, storageKey: null, selections: [scalar('id'), scalar('prompt')] }],
      },
      { alias: null, args: null, concreteType: 'PageInfo', kind: 'LinkedField', name: 'pageInfo', plural: false, storageKey: null, selections: pageInfo.map(scalar) },
    ],
  };
  const argumentDefinitions = [
    { defaultValue: null, kind: 'LocalArgument', name: a },
    { defaultValue: null, kind: 'LocalArgument', name: b },
  ] as const;
  return {
    kind: 'Request',
    fragment: { kind: 'Fragment', name, type: 'Query', metadata: null, abstractKey: null, argumentDefinitions: [...argumentDefinitions], selections: [videos] },
    operation: { kind: 'Operation', name, argumentDefinitions: [...argumentDefinitions], selections: [videos] },
    params: {
      cacheID: `clients-videos-${direction}-query`,
      id: null,
      metadata: {},
      name,
      operationKind: 'query',
      text: `query ${name}($${size}: Int, $${cursor}: String) { videos(${size}: $${size}, ${cursor}: $${cursor}) { edges { cursor node { id prompt } } pageInfo { ${pageInfo.join(' ')} } } }`,
    },
  };
}

/** The compiled `ClientsVideosPageQuery` (first/after). */
export const VIDEOS_PAGE_QUERY = videosPageQuery('forward');
/** The compiled `ClientsVideosBackwardQuery` (last/before). */
export const VIDEOS_BACKWARD_QUERY = videosPageQuery('backward');
