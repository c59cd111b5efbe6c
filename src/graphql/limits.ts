import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLSchema,
  isLeafType,
  isListType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext } from './context';
import { DEFAULT_PAGE_SIZE } from './relay';

/** Query limits. */
export interface QueryLimits {
  /** Deepest selection allowed (fields nested in fields). */
  maxDepth: number;
  /** Highest computed cost allowed. */
  maxCost: number;
}

/** Assumed length of a list field that has no `first` (lineage lists are short). */
const ASSUMED_LIST_LENGTH = 10;

/**
 * Cost of a field, weighted like Shopify's: scalars and enums cost 0, an object 1 plus its
 * children, a connection 1 plus `first` (or the default page) times its node — its own `edges`
 * and `nodes` lists are not counted again — `nodes(ids:)` its number of ids, and other lists an
 * assumed length. So `videos(first: 100) { nodes { source { id } } }` costs about 200.
 */
const countingEstimator: ComplexityEstimator = ({ type, args, field, childComplexity }) => {
  if (isLeafType(getNamedType(field.type))) return 0;
  if (typeof args.first === 'number') return 1 + childComplexity * Math.max(0, args.first);
  if (Array.isArray(args.ids)) return 1 + childComplexity * args.ids.length;
  if (field.args.some((a) => a.name === 'first')) return 1 + childComplexity * DEFAULT_PAGE_SIZE;
  if (type.name.endsWith('Connection')) return childComplexity;
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * ASSUMED_LIST_LENGTH;
  return 1 + childComplexity;
};

/** Depth of the deepest field of an operation, fragments included. */
export function queryDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection's own nesting (__schema/__type) is not user data and is allowed as it is.
        if (selection.name.value.startsWith('__')) continue;
        deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, seen));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
      } else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        deepest = Math.max(deepest, depthOf(fragment?.selectionSet, new Set([...seen, selection.name.value])));
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet, new Set());
}

/** Depth and cost of an operation. */
export interface QueryCost {
  depth: number;
  cost: number;
}

/** Distinct variable sets remembered per document before its entries are dropped. */
const MEASURES_PER_DOCUMENT = 64;

/**
 * Depth and cost by document and (operation name, variables). Measuring walks the whole document
 * against the schema, which costs more than a small query itself; clients send the same few
 * documents over and over (parsed once by Apollo's and the WebSocket's document caches, so the
 * DocumentNode is the same object), and the figures depend only on the document and variables.
 */
const measured = new WeakMap<DocumentNode, Map<string, QueryCost>>();

/** Depth and cost of an operation with these variables, measured once per distinct pair. */
export function measureQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): QueryCost {
  let byVariables = measured.get(document);
  if (!byVariables) measured.set(document, (byVariables = new Map()));
  const key = JSON.stringify([operation.name?.value ?? null, variables ?? null]);
  const known = byVariables.get(key);
  if (known) return known;
  const depth = queryDepth(document, operation);
  const cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables: variables ?? {}, estimators: [countingEstimator] });
  if (byVariables.size >= MEASURES_PER_DOCUMENT) byVariables.clear();
  byVariables.set(key, { depth, cost });
  return { depth, cost };
}

/**
 * Measures an operation before it runs and refuses it when too deep or too expensive, naming the
 * limit. Used for HTTP (Apollo plugin) and WebSocket subscriptions alike.
 */
export function checkQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, limits: QueryLimits): QueryCost {
  const { depth, cost } = measureQuery(schema, document, operation, variables);
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
  return { depth, cost };
}

/**
 * Apollo plugin: checks every operation before execution and reports its cost in the response's
 * `extensions.cost` (`requestedQueryCost`, `maxQueryCost`), as Shopify does, so clients can see
 * how close they are to the limit.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let measured: QueryCost | undefined;
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          try {
            measured = checkQuery(schema, document, operation, request.variables, limits);
          } catch (error) {
            if (error instanceof AppError) error.extensions.http = { status: 400 };
            throw error;
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
