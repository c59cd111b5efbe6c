import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type DocumentNode, getVariableValues, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import { rateKey } from '../http/guard';
import type { RateLimiter } from '../http/rate-limit';
import type { RequestContext } from './context';
import { measureOperation, type OperationMeasure } from './cost';

/** Query limits. */
export interface QueryLimits {
  /** Deepest selection allowed (fields nested in fields). */
  maxDepth: number;
  /** Highest computed cost allowed. */
  maxCost: number;
  /** Longest query text, in UTF-8 bytes, checked before parsing. */
  maxQueryBytes: number;
  /** Most lexical tokens in a document; parsing stops there. */
  maxQueryTokens: number;
  /** Most root fields (aliases counted) in one mutation operation. */
  maxMutations: number;
}

/** Depth and cost of an operation. */
export interface QueryCost {
  depth: number;
  cost: number;
  /** Root fields of a mutation (0 for queries and subscriptions). */
  mutations: number;
}

/** Distinct variable sets remembered per document before its entries are dropped. */
const MEASURES_PER_DOCUMENT = 64;

/**
 * Figures by document and (operation name, variables). Clients send the same few documents over
 * and over (parsed once by Apollo's and the WebSocket's document caches, so the DocumentNode is
 * the same object), and the figures depend only on the document and variables.
 */
const measured = new WeakMap<DocumentNode, Map<string, QueryCost>>();

/**
 * Coerces the variables as execution will, so a missing or wrongly typed variable is the client's
 * BAD_USER_INPUT naming the variable, found before anything runs.
 */
function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: Record<string, unknown>): Record<string, unknown> {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], inputs, { maxErrors: 1 });
  if (!result.errors) return result.coerced;
  const error: GraphQLError = result.errors[0];
  const node = error.nodes?.[0];
  const name = node?.kind === 'VariableDefinition' ? `$${node.variable.name.value}` : undefined;
  throw new AppError(ErrorCode.BAD_USER_INPUT, `${error.message} Send a value of the declared type in "variables".`, name ? { field: name } : {});
}

/** Depth, cost and mutation count of an operation with these variables, measured once per distinct pair. */
export function measureQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): QueryCost {
  let byVariables = measured.get(document);
  if (!byVariables) measured.set(document, (byVariables = new Map()));
  const key = JSON.stringify([operation.name?.value ?? null, variables ?? null]);
  const known = byVariables.get(key);
  if (known) return known;
  const measure: OperationMeasure = measureOperation(schema, document, operation, coerceVariables(schema, operation, variables ?? {}));
  const figures = { depth: measure.depth, cost: measure.cost, mutations: operation.operation === 'mutation' ? measure.rootFields : 0 };
  if (byVariables.size >= MEASURES_PER_DOCUMENT) byVariables.clear();
  byVariables.set(key, figures);
  return figures;
}

/**
 * Measures an operation before it runs and refuses it when too deep, too expensive or carrying
 * too many mutations, naming the limit. Used for HTTP (Apollo plugin) and WebSocket alike.
 */
export function checkQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined, limits: QueryLimits): QueryCost {
  const figures = measureQuery(schema, document, operation, variables);
  const { depth, cost, mutations } = figures;
  if (depth > limits.maxDepth) {
    throw new AppError(ErrorCode.QUERY_TOO_COMPLEX, `The query is ${depth} levels deep; the limit is ${limits.maxDepth}. Ask for fewer nested fields.`, { depth, maxDepth: limits.maxDepth });
  }
  if (cost > limits.maxCost) {
    throw new AppError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `The query would cost ${cost}; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested fields.`,
      { cost, maxCost: limits.maxCost },
    );
  }
  if (mutations > limits.maxMutations) {
    throw new AppError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `The request has ${mutations} mutations; at most ${limits.maxMutations} are allowed per request. Send the rest in further requests, or many videos at once with submitBatch.`,
      { mutations, maxMutations: limits.maxMutations },
    );
  }
  return figures;
}

/** Refuses query text over the byte limit before it is parsed (or cached, or registered as a persisted query). */
export function checkQueryText(query: string, limits: Pick<QueryLimits, 'maxQueryBytes'>): void {
  const bytes = Buffer.byteLength(query);
  if (bytes > limits.maxQueryBytes) {
    throw new AppError(ErrorCode.QUERY_TOO_COMPLEX, `The query text is ${bytes} bytes; the limit is ${limits.maxQueryBytes}. Send a smaller document (pass long values as variables).`, { bytes, maxQueryBytes: limits.maxQueryBytes });
  }
}

/** graphql-js's message when `parse` stops at `maxTokens` (graphql 16), with the limit. */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/** The client-facing refusal for a document over the token limit, or undefined when `error` is another parse error. */
export function tokenLimitError(error: { message: string }): AppError | undefined {
  const match = TOKEN_LIMIT_MESSAGE.exec(error.message);
  if (!match) return undefined;
  const maxQueryTokens = Number(match[1]);
  return new AppError(ErrorCode.QUERY_TOO_COMPLEX, `The document has more than ${maxQueryTokens} tokens, the limit. Send fewer fields and aliases, or split the request.`, { maxQueryTokens });
}

/** Marks an error with the HTTP status (and headers) it answers with; the error policy strips this from the response. */
function withStatus(error: AppError, status: number, headers?: [string, string][]): AppError {
  error.extensions.http = { status, ...(headers ? { headers: new HeaderMap(headers) } : {}) };
  return error;
}

/**
 * Apollo plugin: checks every operation before execution and reports its cost in the response's
 * `extensions.cost` (`requestedQueryCost`, `maxQueryCost`), as Shopify does, so clients can see
 * how close they are to the limit. Subscriptions are refused (they need the WebSocket), and each
 * mutation beyond the first takes one more token from the caller's rate limit (the guard took one
 * for the request), so aliasing many mutations into one request does not multiply the rate.
 */
export function queryLimitsPlugin(limits: QueryLimits, limiter?: RateLimiter): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let measured: QueryCost | undefined;
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          if (!operation) return;
          if (operation.operation === 'subscription') {
            throw withStatus(new AppError(ErrorCode.BAD_REQUEST, 'Subscriptions are served over WebSocket (connect to /graphql with the graphql-transport-ws protocol, e.g. graphql-ws) and over Server-Sent Events (/graphql/stream, e.g. graphql-sse). This endpoint carries queries and mutations.'), 400);
          }
          try {
            measured = checkQuery(schema, document, operation, request.variables, limits);
          } catch (error) {
            if (error instanceof AppError) withStatus(error, 400);
            throw error;
          }
          if (measured.mutations > 1 && limiter) {
            const decision = await limiter.take(rateKey(contextValue.viewer), measured.mutations - 1);
            if (!decision.allowed) {
              const seconds = Math.ceil(decision.retryAfterMs / 1000);
              const error = new AppError(ErrorCode.RATE_LIMITED, `This request has ${measured.mutations} mutations, more than the API key's rate allows now; retry in ${seconds} s or send fewer per request.`, { retryAfterSeconds: seconds, mutations: measured.mutations });
              throw withStatus(error, 429, [['retry-after', String(seconds)]]);
            }
          }
        },
        async willSendResponse({ response }) {
          if (!measured || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requestedQueryCost: measured.cost, maxQueryCost: limits.maxCost } };
        },
      };
    },
  };
}
