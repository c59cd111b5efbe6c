import { type GraphQLFormattedError, GraphQLError, type GraphQLSchema, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext, Viewer } from '../graphql/context';
import type { DocumentCache } from '../graphql/document-cache';
import type { QueryLimits } from '../graphql/limits';
import type { SubscriptionCohorts } from '../graphql/subscription-cohorts';
import { ulid } from '../ids';
import { type Logger, runWithRequestId } from '../logger';
import { AUTH_MESSAGES, type Authenticator } from './auth';
import { createOperationGate, operationError } from './operation-gate';
import type { RateLimiter } from './rate-limit';
import type { WebSocketGate } from './ws-gate';
import type { Metrics } from '../metrics/metrics';

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
  /** Open subscriptions and refusals are counted here. */
  metrics?: Metrics;
  /** Origin checks, the per-address limit of unauthenticated connections and the pre-auth message size. */
  gate: WebSocketGate;
}

/** What the server knows about one open connection. */
interface Connection {
  viewer: Viewer;
  /** Open operations: id → request id (`ws-…`), so their error lines carry it. */
  operations: Map<string, string>;
  /** Ids of its open subscriptions (counted in `reelgraph_subscriptions_open`). */
  subscriptions: Set<string>;
}

function refusal(error: AppError): GraphQLError[] {
  return [error];
}

/**
 * graphql-ws (`graphql-transport-ws`) on the shared HTTP server. The viewer is resolved once per
 * connection from `connection_init` (close 4401 when the key is missing or invalid); each
 * operation is capped per connection and passes the {@link createOperationGate | operation gate}
 * (rate limit, cached document, variables and query limits, its own context), so a re-subscribe
 * does not re-parse or re-validate, and events are executed once per cohort ({@link SubscriptionCohorts}).
 * Revoking a key closes its connections with 4401. A bad operation is answered with an `error`
 * for its id and never closes the socket. Before the handshake and until `connection_ack`, the
 * {@link WebSocketGate} applies Origin checks and the pre-auth limits.
 */
export function mountWebSocket(options: WebSocketOptions) {
  return (wss: WebSocketServer, schema: GraphQLSchema) => {
    const gate = createOperationGate({ ...options, schema });
    const connections = new Map<WebSocket, Connection>();
    options.gate.install(wss);

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
          const { socket, request } = ctx.extra;
          let result;
          try {
            result = await options.auth.fromConnection(ctx.connectionParams, request);
          } catch (error) {
            options.logger.error({ err: { message: (error as Error).message } }, 'authenticating a WebSocket connection failed');
            socket.close(4500, 'Internal server error');
            return false;
          }
          if ('failure' in result) {
            options.logger.info({ failure: result.failure }, 'WebSocket connection refused');
            const reason = result.failure === 'throttled' ? `Too many failed authentications; retry in ${Math.ceil((result.retryAfterMs ?? 1000) / 1000)} s.` : AUTH_MESSAGES[result.failure];
            socket.close(CloseCode.Unauthorized, reason.slice(0, 120));
            return false;
          }
          options.gate.authenticated(socket, request);
          connections.set(socket, { viewer: result.viewer, operations: new Map(), subscriptions: new Set() });
          return true;
        },
        onClose: (ctx) => {
          connections.delete(ctx.extra.socket);
        },
        onSubscribe: async (ctx, id, payload) => {
          const connection = connections.get(ctx.extra.socket);
          if (!connection) return [new GraphQLError(AUTH_MESSAGES.missing, { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
          // graphql-ws registers each operation (this one included) synchronously when its message
          // arrives and removes it as soon as it ends or the client completes it, so counting its
          // registry here, before anything is awaited, holds the cap even when subscribes are
          // pipelined: a count kept after an await would let a burst past it.
          if (Object.keys(ctx.subscriptions).length > options.maxSubscriptions) {
            return refusal(new AppError(ErrorCode.RATE_LIMITED, `This connection already has ${options.maxSubscriptions} subscriptions, the most allowed; complete one or open another connection.`, { limit: options.maxSubscriptions }));
          }
          try {
            const requestId = `ws-${id}-${ulid().slice(-8)}`;
            const admission = await gate(connection.viewer, payload, requestId);
            if (!admission.admitted) return admission.errors;
            connection.operations.set(id, requestId);
            if (getOperationAST(admission.args.document, admission.args.operationName)?.operation === 'subscription') {
              connection.subscriptions.add(id);
              options.metrics?.subscriptionsOpen.inc({ transport: 'websocket' });
            }
            return admission.args;
          } catch (error) {
            return [operationError(error)];
          }
        },
        // graphql-ws also calls this for each operation still open when the socket closes, so the gauge drops with the socket.
        onComplete: (ctx, id) => {
          const connection = connections.get(ctx.extra.socket);
          connection?.operations.delete(id);
          if (connection?.subscriptions.delete(id)) options.metrics?.subscriptionsOpen.dec({ transport: 'websocket' });
        },
        onNext: (_ctx, _id, _payload, args, result) => {
          if (!result.errors?.length) return undefined;
          const errors = result.errors;
          const requestId = (args.contextValue as RequestContext).requestId;
          return { ...result, errors: runWithRequestId(requestId, () => errors.map((error) => options.formatError(error.toJSON(), error))) };
        },
        onError: (ctx, id, _payload, errors) => {
          const connection = connections.get(ctx.extra.socket);
          const operations = connection?.operations;
          const requestId = operations?.get(id) ?? `ws-${id}`;
          operations?.delete(id);
          if (connection?.subscriptions.delete(id)) options.metrics?.subscriptionsOpen.dec({ transport: 'websocket' });
          return runWithRequestId(requestId, () => {
            const formatted = errors.map((error) => options.formatError(error.toJSON(), error));
            options.metrics?.countErrors(formatted.map((e) => String(e.extensions?.code)));
            // A client's mistake, once, without a stack: the socket and its other operations go on.
            options.logger.info({ operationId: id, codes: formatted.map((e) => e.extensions?.code) }, 'WebSocket operation refused');
            return formatted;
          });
        },
      },
      wss,
      options.keepAliveMs ?? 12_000,
    );
    options.gate.replaceErrorLogging(wss);
    return { dispose: () => disposable.dispose() };
  };
}
