import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext } from '../graphql/context';
import { checkQueryText, type QueryLimits } from '../graphql/limits';
import type { Logger } from '../logger';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/** How well the Accept header takes `type`: quality, specificity and position of the best matching range (as negotiator rates them). */
function priority(accept: string, type: string): { q: number; s: number; o: number } {
  let best = { q: 0, s: -1, o: -1 };
  accept.split(',').forEach((part, o) => {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const s = range === type ? 6 : range === 'application/*' ? 4 : range === '*/*' ? 0 : -1;
    if (s < 0) return;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (s > best.s || (s === best.s && (q > best.q || (q === best.q && o > best.o)))) best = { q, s, o };
  });
  return best;
}

/**
 * True when Apollo answers with `application/graphql-response+json`: it negotiates between
 * application/json and it (in that order) by quality, then specificity, then position in the
 * Accept header; without an Accept header, or on a full tie, it is application/json.
 */
export function answersGraphQLResponseJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = priority(accept, 'application/json');
  const graphql = priority(accept, GRAPHQL_RESPONSE_JSON);
  if (graphql.q <= 0) return false;
  if (graphql.q !== json.q) return graphql.q > json.q;
  if (graphql.s !== json.s) return graphql.s > json.s;
  return graphql.o < json.o;
}

/** Request errors that, per the GraphQL-over-HTTP spec, answer 200 under application/json and 400 under graphql-response+json. */
const DOCUMENT_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', ErrorCode.BAD_USER_INPUT]);

/**
 * Apollo plugin: the status of a request that failed before execution (parse, validation,
 * variable coercion, bad argument text). The GraphQL-over-HTTP spec has `application/json`
 * answer these with 200 (legacy clients read the body, not the status) and
 * `application/graphql-response+json` with 400. Other refusals keep their own status (400
 * QUERY_TOO_COMPLEX, 429 RATE_LIMITED, ...), and executed operations always answer 200.
 */
export function requestErrorStatusPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.data !== undefined || !result.errors?.length) return;
          if (!result.errors.every((e) => DOCUMENT_ERROR_CODES.has(String(e.extensions?.code)))) return;
          response.http.status = answersGraphQLResponseJson(request.http?.headers.get('accept')) ? 400 : 200;
        },
      };
    },
  };
}

/** One GraphQL request's parameters as sent, from a POST body or a GET query string. */
function parameters(req: Request): { query?: unknown; extensions?: unknown } | undefined {
  if (req.method === 'GET') {
    const { query, extensions } = req.query as Record<string, unknown>;
    try {
      return { query, extensions: typeof extensions === 'string' ? JSON.parse(extensions) : extensions };
    } catch {
      return { query };
    }
  }
  return req.body !== null && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : undefined;
}

/** Content types a browser sends cross-site without a CORS preflight (the Fetch spec's CORS-safelisted ones). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Headers that make a browser preflight the request; sending either proves the caller is not a plain cross-site form or link. */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/**
 * CSRF prevention, as Apollo's `csrfPrevention` checks it, but for POST only. A POST a browser
 * would send cross-site without a preflight (no content type, or a simple one) is refused unless
 * it carries a preflight header: it could run a mutation with a loopback page's local-mode
 * authority. GET is left alone: Apollo runs only queries over GET (a mutation is refused with 405),
 * queries change nothing, and a cross-site page cannot read the answer without CORS — so urql's and
 * graphql-request's GET queries work without a custom header.
 */
export function csrfRefusal(req: Pick<Request, 'method' | 'headers'>): AppError | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !SIMPLE_CONTENT_TYPES.has(contentType.split(';', 1)[0].trim().toLowerCase())) return undefined;
  if (PREFLIGHT_HEADERS.some((name) => (req.headers[name] ?? '').length > 0)) return undefined;
  return new AppError(
    ErrorCode.BAD_REQUEST,
    `This POST was blocked as a potential cross-site request forgery (CSRF): send it with content-type application/json (or application/graphql-response+json), or add a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header.`,
    { field: 'content-type' },
  );
}

/** Why a request is refused before Apollo sees it, or undefined when it may go on. */
function refusal(req: Request, limits: Pick<QueryLimits, 'maxQueryBytes'>): AppError | undefined {
  const csrf = csrfRefusal(req);
  if (csrf) return csrf;
  if (Array.isArray(req.body)) {
    return new AppError(ErrorCode.BAD_REQUEST, 'Batched requests (a JSON array) are not supported: send one operation per request, or put several root fields in one operation.');
  }
  const params = parameters(req);
  if (!params) return undefined;
  if (typeof params.query === 'string') {
    try {
      checkQueryText(params.query, limits);
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }
  const persisted = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (!persisted || typeof persisted !== 'object') return undefined;
  if (persisted.version !== 1) {
    return new AppError(ErrorCode.BAD_REQUEST, `extensions.persistedQuery.version must be 1 (got ${JSON.stringify(persisted.version) ?? 'nothing'}).`, { field: 'extensions.persistedQuery.version', allowed: [1] });
  }
  if (typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/.test(persisted.sha256Hash)) {
    return new AppError(ErrorCode.BAD_REQUEST, 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query text as 64 lowercase hex digits.', { field: 'extensions.persistedQuery.sha256Hash' });
  }
  if (typeof params.query === 'string' && createHash('sha256').update(params.query).digest('hex') !== persisted.sha256Hash) {
    return new AppError(ErrorCode.BAD_REQUEST, 'extensions.persistedQuery.sha256Hash does not match the query: send the SHA-256 (64 lowercase hex digits) of the exact query text sent.', { field: 'extensions.persistedQuery.sha256Hash' });
  }
  return undefined;
}

/**
 * Runs on /graphql after the JSON body parser and before Apollo: refuses what is not one GraphQL
 * request Reelgraph serves — a POST that could be a cross-site forgery, a batch, query text over the byte limit (before it is parsed or
 * registered as a persisted query), a persisted query of another version or whose hash is not
 * its query's — with 400, a stable code and what to change, logged once at info.
 */
export function graphqlPreflight(limits: Pick<QueryLimits, 'maxQueryBytes'>, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const error = refusal(req, limits);
    if (!error) return next();
    const { http: _http, ...extensions } = error.extensions;
    logger.info({ requestId: res.locals.requestId, codes: [error.code] }, 'GraphQL request refused');
    res.status(400).json({ errors: [{ message: error.message, extensions }] });
  };
}
