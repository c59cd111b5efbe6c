import type { ConcreteRequest, NormalizationLinkedField, ReaderLinkedField } from 'relay-runtime';

/*
 * What relay-compiler emits for
 *   query ClientsVideosPageQuery($first: Int, $after: String) {
 *     videos(first: $first, after: $after) { edges { cursor node { id prompt } } pageInfo { endCursor hasNextPage } }
 *   }
 * written out here so the test needs no compiler step. Reader and normalization ASTs coincide for
 * plain scalar and linked fields.
 */
const scalar = (name: string) => ({ alias: null, args: null, kind: 'ScalarField', name, storageKey: null }) as const;

const videos: ReaderLinkedField & NormalizationLinkedField = {
  alias: null,
  args: [
    { kind: 'Variable', name: 'after', variableName: 'after' },
    { kind: 'Variable', name: 'first', variableName: 'first' },
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
    { alias: null, args: null, concreteType: 'PageInfo', kind: 'LinkedField', name: 'pageInfo', plural: false, storageKey: null, selections: [scalar('endCursor'), scalar('hasNextPage')] },
  ],
};

const argumentDefinitions = [
  { defaultValue: null, kind: 'LocalArgument', name: 'after' },
  { defaultValue: null, kind: 'LocalArgument', name: 'first' },
] as const;

/** The compiled `ClientsVideosPageQuery`. */
export const VIDEOS_PAGE_QUERY: ConcreteRequest = {
  kind: 'Request',
  fragment: { kind: 'Fragment', name: 'ClientsVideosPageQuery', type: 'Query', metadata: null, abstractKey: null, argumentDefinitions: [...argumentDefinitions], selections: [videos] },
  operation: { kind: 'Operation', name: 'ClientsVideosPageQuery', argumentDefinitions: [...argumentDefinitions], selections: [videos] },
  params: {
    cacheID: 'clients-videos-page-query',
    id: null,
    metadata: {},
    name: 'ClientsVideosPageQuery',
    operationKind: 'query',
    text: 'query ClientsVideosPageQuery($first: Int, $after: String) { videos(first: $first, after: $after) { edges { cursor node { id prompt } } pageInfo { endCursor hasNextPage } } }',
  },
};
