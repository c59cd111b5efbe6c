import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';

/** One GraphQL response over HTTP, with its status code. */
export interface GqlResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
  headers: Headers;
}

/** A tiny typed GraphQL-over-HTTP client for tests (real HTTP, real JSON). */
export class GqlClient {
  constructor(
    readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** A client that sends extra headers (e.g. an API key). */
  with(headers: Record<string, string>): GqlClient {
    return new GqlClient(this.url, { ...this.headers, ...headers });
  }

  async request<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V, headers: Record<string, string> = {}): Promise<GqlResponse<T>> {
    const query = typeof document === 'string' ? document : print(document);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: T; errors?: GraphQLFormattedError[]; extensions?: Record<string, unknown> };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response (${response.status}): ${text.slice(0, 300)}`);
    }
    return { status: response.status, ...body, headers: response.headers };
  }

  /** Runs an operation that must succeed; throws with the errors otherwise. */
  async data<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V): Promise<T> {
    const result = await this.request(document, variables);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  /** Runs an operation that must fail; returns its first error. */
  async error<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V): Promise<GraphQLFormattedError & { extensions: Record<string, unknown> }> {
    const result = await this.request(document, variables);
    if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0] as GraphQLFormattedError & { extensions: Record<string, unknown> };
  }
}
