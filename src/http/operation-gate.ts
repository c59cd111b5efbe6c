import { type ExecutionArgs, GraphQLError, type GraphQLSchema, getOperationAST, type OperationTypeNode } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext, Viewer } from '../graphql/context';
import type { DocumentCache } from '../graphql/document-cache';
import { checkQuery, type QueryLimits } from '../graphql/limits';
import { rateKey } from './guard';
import { rateLimited, type RateLimiter } from './rate-limit';

/** An operation as a streaming transport receives it (graphql-ws `subscribe` payload, graphql-sse request). */
export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Execution arguments whose context is a Reelgraph {@link RequestContext}. */
export type GatedArgs = ExecutionArgs & { contextValue: RequestContext };

/** The gate's answer: run it with these arguments, or refuse it with these errors. */
export type Admission =
  | { admitted: true; args: GatedArgs; kind: OperationTypeNode }
  /** `status` is the HTTP status a transport that answers per request would use (429 or 400). */
  | { admitted: false; errors: readonly GraphQLError[]; status: number };

/** What the gate needs: the same pieces HTTP uses. */
export interface OperationGateOptions {
  schema: GraphQLSchema;
  limiter: RateLimiter;
  limits: QueryLimits;
  /** Parsed, validated documents by text, shared by every connection and stream. */
  documents: DocumentCache;
  /** Builds an operation's context for a viewer. */
  context(viewer: Viewer, requestId: string): RequestContext;
}

/** Checks one operation of an already authenticated viewer before it runs. */
export type OperationGate = (viewer: Viewer, request: OperationRequest, requestId: string) => Promise<Admission>;

function refused(status: number, ...errors: GraphQLError[]): Admission {
  return { admitted: false, errors, status };
}

/** The same error with a code, unless it has one: parse and validation errors carry none of their own. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: { ...error.extensions, code } });
}

/**
 * What to answer an operation whose preparation threw: a GraphQLError of the client's request
 * (a limit the document cache or the query limits refused) is returned as it is; anything else
 * is a fault of the server, which the error policy logs and masks. Either way it is an error for
 * that operation alone: the connection or stream and its other operations go on.
 */
export function operationError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  return new GraphQLError('Internal server error.', { originalError: error instanceof Error ? error : new Error(String(error)) });
}

/**
 * The check the WebSocket and SSE transports both run before an operation, in the order that
 * costs least for a refused one: the viewer's rate limit (the same bucket HTTP draws from), the
 * document (parsed and validated once per text, through the cache), the operation it names, its
 * variables and the depth and cost limits; only then is a context made. Each refusal carries a
 * stable code; a fault of the server is thrown (see {@link operationError}).
 */
export function createOperationGate(options: OperationGateOptions): OperationGate {
  const { schema, documents } = options;
  return async (viewer, request, requestId) => {
    const decision = await options.limiter.take(rateKey(viewer));
    if (!decision.allowed) return refused(429, rateLimited(decision.retryAfterMs));
    let cached;
    try {
      cached = documents.get(request.query);
    } catch (error) {
      return refused(400, error instanceof GraphQLError ? withCode(error, 'GRAPHQL_PARSE_FAILED') : new GraphQLError('Could not parse the document.'));
    }
    if (cached.errors.length > 0) return { admitted: false, errors: cached.errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')), status: 400 };
    const operation = getOperationAST(cached.document, request.operationName);
    if (!operation) {
      const message = request.operationName ? `No operation named '${request.operationName}' in the document.` : 'The document has several operations: send operationName to pick one.';
      return refused(400, new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'operationName' } }));
    }
    // checkQuery also coerces the variables, so a missing or mistyped one is the client's
    // BAD_USER_INPUT naming it (as over HTTP), not a failure later.
    let measured;
    try {
      measured = checkQuery(schema, cached.document, operation, request.variables ?? undefined, options.limits);
    } catch (error) {
      if (error instanceof GraphQLError) return refused(400, error);
      throw error;
    }
    // Each mutation beyond the first takes one more token, as over HTTP: aliasing many mutations
    // into one operation does not multiply the rate.
    if (measured.mutations > 1) {
      const extra = await options.limiter.take(rateKey(viewer), measured.mutations - 1);
      if (!extra.allowed) {
        const seconds = Math.ceil(extra.retryAfterMs / 1000);
        const message = `This operation has ${measured.mutations} mutations, more than the API key's rate allows now; retry in ${seconds} s or send fewer per operation.`;
        return refused(429, new AppError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds: seconds, mutations: measured.mutations }));
      }
    }
    return {
      admitted: true,
      kind: operation.operation,
      args: {
        schema,
        document: cached.document,
        operationName: request.operationName,
        variableValues: request.variables,
        contextValue: options.context(viewer, requestId),
      },
    };
  };
}
