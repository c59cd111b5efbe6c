import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { RequestContext } from './context';
import { tokenLimitError } from './limits';

interface ValidationIssue {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}

/** Flattens class-validator output into `{ field, message }` pairs with dotted paths. */
function flatten(issues: ValidationIssue[], prefix: string): { field: string; message: string }[] {
  return issues.flatMap((issue) => {
    const field = `${prefix}.${issue.property}`;
    const own = Object.values(issue.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(issue.children ?? [], field)];
  });
}

/** Codes the GraphQL engine itself produces for malformed requests; safe to show as they are. */
const PASS_THROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** The code an error was raised with (before Apollo labels code-less errors INTERNAL_SERVER_ERROR). */
function ownCode(error: unknown): unknown {
  return error instanceof GraphQLError ? error.extensions?.code : undefined;
}

/**
 * The client-facing form of an expected error, or undefined when the error is unexpected (a
 * fault of the server, to be logged and masked).
 */
function expectedError(original: unknown, formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const { locations, path } = formatted;
  if (original instanceof AppError) {
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, locations, path, extensions };
  }
  if (original instanceof ArgumentValidationError) {
    const issues = flatten((original.extensions.validationErrors ?? []) as ValidationIssue[], 'input').map((i) => ({
      field: i.field.replace(/^input\.input\./, 'input.'),
      message: i.message,
    }));
    const message = issues.length > 0 ? issues.map((i) => `${i.field}: ${i.message}`).join('; ') : original.message;
    return { message, locations, path, extensions: { code: ErrorCode.BAD_USER_INPUT, field: issues[0]?.field, issues } };
  }
  const code = ownCode(original) ?? formatted.extensions?.code;
  if (code === 'GRAPHQL_PARSE_FAILED') {
    const tooLarge = tokenLimitError(formatted);
    if (tooLarge) return { message: tooLarge.message, extensions: { ...tooLarge.extensions } };
  }
  if (original instanceof GraphQLError && !original.originalError && ownCode(original) === undefined) {
    return { message: formatted.message, locations, path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
    const { stacktrace: _drop, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return undefined;
}

/** The code the client sees for an expected error (bad input, refused request), or undefined for a fault of the server. */
function expectedCode(error: unknown): string | undefined {
  const original = unwrapResolverError(error);
  const formatted = original instanceof GraphQLError ? original.toJSON() : { message: String(error) };
  const code = expectedError(original, formatted)?.extensions?.code;
  return code === undefined ? undefined : String(code);
}

/**
 * The error policy: expected errors keep their stable code and message; input validation errors
 * name each field; anything unexpected is masked, so internals (SQL, paths, upstream details)
 * never reach a client. With a logger (the WebSocket transport), unexpected errors are logged
 * here; over HTTP {@link errorLogPlugin} logs them with the request id instead.
 */
export function createErrorFormatter(logger?: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const expected = expectedError(original, formatted);
    if (expected) return expected;
    logger?.error({ err: original, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error. It has been logged; retry later or contact the operator.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/**
 * Apollo plugin: logs a request's errors once, with its request id. Client mistakes and refused
 * requests are one info line with their codes and no stack (so a flood of bad requests cannot
 * flood the error log); unexpected errors are logged at error level, each with its stack.
 */
export function errorLogPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          const requestId = contextValue.requestId;
          const refused: string[] = [];
          for (const error of errors) {
            const code = expectedCode(error);
            if (code) refused.push(code);
            else logger.error({ err: unwrapResolverError(error), path: error.path, requestId }, 'unexpected error while resolving');
          }
          if (refused.length > 0) logger.info({ requestId, operationName, codes: [...new Set(refused)] }, 'GraphQL request refused');
        },
      };
    },
  };
}
