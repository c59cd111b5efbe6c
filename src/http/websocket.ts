import type { IncomingMessage } from 'node:http';
import { type GraphQLFormattedError, GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { RequestContext, Viewer } from '../graphql/context';
import { DocumentCache } from '../graphql/document-cache';
import { ulid } from '../ids';
import type { Logger } from '../logger';

/**
 * Close codes Reelgraph uses on the WebSocket, beyond the graphql-transport-ws ones
 * (4400 bad request, 4401 unauthorized, 4408 connection-init timeout, 4409 subscriber exists).
 */
export const CloseCode = {
  /** The connection was not (or is no longer) authenticated, e.g. its key was revoked. */
  Unauthorized: 4401,
  /** The key may not do this. */
  Forbidden: 4403,
  /** No `connection_init` within the allowed time. */
  ConnectionInitTimeout: 4408,
  /** Too many subscriptions on one connection. */
  TooManySubscriptions: 4429,
  /** The server is shutting down; reconnect to another instance. */
  GoingAway: 1001,
} as const;

/** Options of {@link mountWebSocket}. */
export interface WebSocketOptions {
  logger: Logger;
  /** Resolves the viewer from the upgrade request and the `connection_init` payload; null refuses. */
  authenticate(request: IncomingMessage, params: Record<string, unknown> | undefined): Promise<Viewer | null>;
  /** Builds a subscription's context for a viewer. */
  context(viewer: Viewer, requestId: string): RequestContext;
  /** Time allowed between connecting and `connection_init`. Default 10 s. */
  connectionInitWaitTimeout?: number;
  /** Interval of keep-alive pings. Default 12 s. */
  keepAliveMs?: number;
  /** Receives the document cache (for metrics and tests). */
  onDocuments?(cache: DocumentCache): void;
  /** The same error policy as HTTP: stable codes kept, unexpected errors masked. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

/**
 * graphql-ws (`graphql-transport-ws`) on the shared HTTP server. The viewer is resolved once per
 * connection; each operation gets its own context; documents come from a {@link DocumentCache},
 * so a re-subscribe does not re-parse or re-validate.
 */
export function mountWebSocket(options: WebSocketOptions) {
  return (wss: WebSocketServer, schema: GraphQLSchema) => {
    const documents = new DocumentCache(schema);
    const viewers = new WeakMap<object, Viewer>();
    const disposable = useServer<Record<string, unknown> | undefined>(
      {
        schema,
        connectionInitWaitTimeout: options.connectionInitWaitTimeout ?? 10_000,
        onConnect: async (ctx) => {
          const viewer = await options.authenticate(ctx.extra.request, ctx.connectionParams);
          if (!viewer) return false;
          viewers.set(ctx.extra.socket, viewer);
          return true;
        },
        onSubscribe: (ctx, id, payload) => {
          const viewer = viewers.get(ctx.extra.socket);
          if (!viewer) return [new GraphQLError('Not authenticated.', { extensions: { code: 'UNAUTHENTICATED' } })];
          let cached;
          try {
            cached = documents.get(payload.query);
          } catch (error) {
            return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document.')];
          }
          if (cached.errors.length > 0) return cached.errors;
          const operation = getOperationAST(cached.document, payload.operationName);
          if (!operation) return [new GraphQLError('No operation matches operationName.', { extensions: { code: 'BAD_USER_INPUT' } })];
          return {
            schema,
            document: cached.document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: options.context(viewer, `ws-${id}-${ulid().slice(-8)}`),
          };
        },
        onNext: (_ctx, _id, _payload, _args, result) => {
          if (!result.errors?.length) return undefined;
          return { ...result, errors: result.errors.map((error) => options.formatError(error.toJSON(), error)) };
        },
        onError: (_ctx, _id, _payload, errors) => errors.map((error) => options.formatError(error.toJSON(), error)),
      },
      wss,
      options.keepAliveMs ?? 12_000,
    );
    options.onDocuments?.(documents);
    return { dispose: () => disposable.dispose() };
  };
}
