import { type GraphQLFormattedError, GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext, Viewer } from '../graphql/context';
import type { DocumentCache } from '../graphql/document-cache';
import { checkQuery, type QueryLimits } from '../graphql/limits';
import type { SubscriptionCohorts } from '../graphql/subscription-cohorts';
import { ulid } from '../ids';
import { type Logger, runWithRequestId } from '../logger';
import { AUTH_MESSAGES, type Authenticator } from './auth';
import { rateKey } from './guard';
import type { RateLimiter } from './rate-limit';

/**
 * Close codes Reelgraph uses on the WebSocket, beyond the graphql-transport-ws ones
 * (4400 bad request, 4408 connection-init timeout, 4409 subscriber exists).
 */
export const CloseCode = {
  /** The connection was not (or is no longer) authenticated, e.g. its key was revoked. */
  Unauthorized: 4401,
  /** No `connection_init` within the allowed time. */
  ConnectionInitTimeout: 4408,
  /** The server is shutting down; reconnect to another instance. */
  GoingAway: 1001,
} as const;

/** Options of {@link mountWebSocket}. */
export interface WebSocketOptions {
  logger: Logger;
  auth: Authenticator;
  limiter: RateLimiter;
  limits: QueryLimits;
  /** Subscriptions one connection may hold at once. */
  maxSubscriptions: number;
  /** Builds a subscription's context for a viewer. */
  context(viewer: Viewer, requestId: string): RequestContext;
  /** Time allowed between connecting and `connection_init`. Default 10 s. */
  connectionInitWaitTimeout?: number;
  /** Interval of keep-alive pings. Default 12 s. */
  keepAliveMs?: number;
  /** Parsed, validated documents by text, shared by every connection. */
  documents: DocumentCache;
  /** Executes each event once per cohort of identical subscriptions. */
  cohorts: SubscriptionCohorts;
  /** The same error policy as HTTP: stable codes kept, unexpected errors masked. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

/** What the server knows about one open connection. */
interface Connection {
  viewer: Viewer;
  /** Open operations: id → request id (`ws-…`), so their error lines carry it. */
  operations: Map<string, string>;
}

function refusal(error: AppError): GraphQLError[] {
  return [error];
}

/**
 * graphql-ws (`graphql-transport-ws`) on the shared HTTP server. The viewer is resolved once per
 * connection from `connection_init` (close 4401 when the key is missing or invalid); each
 * operation is rate limited, measured against the query limits, capped per connection, and gets
 * its own context; documents come from a {@link DocumentCache}, so a re-subscribe does not
 * re-parse or re-validate, and events are executed once per cohort ({@link SubscriptionCohorts}).
 * Revoking a key closes its connections with 4401.
 */
export function mountWebSocket(options: WebSocketOptions) {
  return (wss: WebSocketServer, schema: GraphQLSchema) => {
    const { documents } = options;
    const connections = new Map<WebSocket, Connection>();
    options.auth.onRevoked((keyIds) => {
      for (const [socket, connection] of connections) {
        if (connection.viewer.keyId && keyIds.has(connection.viewer.keyId)) socket.close(CloseCode.Unauthorized, 'API key revoked');
      }
    });

    const disposable = useServer<Record<string, unknown> | undefined>(
      {
        schema,
        subscribe: options.cohorts.subscribe,
        connectionInitWaitTimeout: options.connectionInitWaitTimeout ?? 10_000,
        onConnect: async (ctx) => {
          const result = await options.auth.fromConnection(ctx.connectionParams, ctx.extra.request);
          if ('failure' in result) {
            ctx.extra.socket.close(CloseCode.Unauthorized, AUTH_MESSAGES[result.failure].slice(0, 120));
            return false;
          }
          connections.set(ctx.extra.socket, { viewer: result.viewer, operations: new Map() });
          return true;
        },
        onClose: (ctx) => {
          connections.delete(ctx.extra.socket);
        },
        onSubscribe: async (ctx, id, payload) => {
          const connection = connections.get(ctx.extra.socket);
          if (!connection) return [new GraphQLError(AUTH_MESSAGES.missing, { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
          if (connection.operations.size >= options.maxSubscriptions) {
            return refusal(new AppError(ErrorCode.RATE_LIMITED, `This connection already has ${options.maxSubscriptions} subscriptions, the most allowed; complete one or open another connection.`, { limit: options.maxSubscriptions }));
          }
          const decision = await options.limiter.take(rateKey(connection.viewer));
          if (!decision.allowed) {
            const seconds = Math.ceil(decision.retryAfterMs / 1000);
            return refusal(new AppError(ErrorCode.RATE_LIMITED, `Too many requests for this API key; retry in ${seconds} s.`, { retryAfterSeconds: seconds }));
          }
          let cached;
          try {
            cached = documents.get(payload.query);
          } catch (error) {
            return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the document.')];
          }
          if (cached.errors.length > 0) return cached.errors;
          const operation = getOperationAST(cached.document, payload.operationName);
          if (!operation) return [new GraphQLError('No operation matches operationName.', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
          try {
            checkQuery(schema, cached.document, operation, payload.variables ?? undefined, options.limits);
          } catch (error) {
            if (error instanceof AppError) return refusal(error);
            throw error;
          }
          const requestId = `ws-${id}-${ulid().slice(-8)}`;
          connection.operations.set(id, requestId);
          return {
            schema,
            document: cached.document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: options.context(connection.viewer, requestId),
          };
        },
        onComplete: (ctx, id) => {
          connections.get(ctx.extra.socket)?.operations.delete(id);
        },
        onNext: (_ctx, _id, _payload, args, result) => {
          if (!result.errors?.length) return undefined;
          const errors = result.errors;
          const requestId = (args.contextValue as RequestContext).requestId;
          return { ...result, errors: runWithRequestId(requestId, () => errors.map((error) => options.formatError(error.toJSON(), error))) };
        },
        onError: (ctx, id, _payload, errors) => {
          const operations = connections.get(ctx.extra.socket)?.operations;
          const requestId = operations?.get(id) ?? `ws-${id}`;
          operations?.delete(id);
          return runWithRequestId(requestId, () => errors.map((error) => options.formatError(error.toJSON(), error)));
        },
      },
      wss,
      options.keepAliveMs ?? 12_000,
    );
    return { dispose: () => disposable.dispose() };
  };
}
