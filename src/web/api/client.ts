import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../gql/graphql';
import { authorization, graphqlWsUrl } from './key';

/** A GraphQL error as the server reports it: the message plus `extensions.code` (and field, allowed values…). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

function firstError(errors: NonNullable<GraphQLResponse<unknown>['errors']>): ApiError {
  const [error] = errors;
  const extensions = error.extensions ?? {};
  return new ApiError(error.message, typeof extensions.code === 'string' ? extensions.code : undefined, extensions);
}

/** Runs a query or mutation over HTTP POST on this origin; throws {@link ApiError} on any error. */
export async function request<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  const auth = authorization();
  if (auth) headers.authorization = auth;
  const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: document.toString(), variables }) });
  const body = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status} without a JSON body` }] }))) as GraphQLResponse<TResult>;
  if (body.errors?.length) throw firstError(body.errors);
  if (!body.data) throw new ApiError(`HTTP ${response.status} without data`, undefined);
  return body.data;
}

let wsClient: Client | undefined;
let wsAuthorization: string | undefined;

/** One graphql-ws client per key: a changed key reconnects with the new `connection_init`. */
function client(): Client {
  const auth = authorization();
  if (wsClient && wsAuthorization === auth) return wsClient;
  void wsClient?.dispose();
  wsAuthorization = auth;
  wsClient = createClient({ url: graphqlWsUrl(), connectionParams: auth ? { authorization: auth } : {}, lazy: true, retryAttempts: 5 });
  return wsClient;
}

/** Handlers of a {@link subscribe} call. */
export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error?(error: ApiError): void;
  complete?(): void;
}

/** Starts a subscription over graphql-ws; returns the function that ends it. */
export function subscribe<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, handlers: SubscriptionHandlers<TResult>): () => void {
  return client().subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) handlers.error?.(firstError(result.errors as GraphQLResponse<unknown>['errors'] & object));
        else if (result.data) handlers.next(result.data);
      },
      error: (error) => handlers.error?.(Array.isArray(error) ? firstError(error) : new ApiError(error instanceof Error ? error.message : 'The live connection closed', undefined)),
      complete: () => handlers.complete?.(),
    },
  );
}
