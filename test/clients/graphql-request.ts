/**
 * graphql-request 6 (the last CommonJS release; 7 is ESM-only, which jest cannot require on Node 20),
 * loaded without its typings: they pull in cross-fetch's `lib="dom"` reference, whose global
 * stream and Blob types would then clash with Node's in the whole project's type check. The shape
 * below is the part of its API the tests use.
 */
export interface GraphQLRequestClient {
  request<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

/** Options of graphql-request's `GraphQLClient` used here. */
export interface GraphQLRequestOptions {
  method?: 'GET' | 'POST';
  fetch?: typeof fetch;
}

const library = require('graphql-request') as { GraphQLClient: new (url: string, options?: GraphQLRequestOptions) => GraphQLRequestClient };

/** graphql-request's client class. */
export const GraphQLClient = library.GraphQLClient;
