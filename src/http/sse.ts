import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type GraphQLError, type GraphQLFormattedError, type GraphQLSchema, OperationTypeNode } from 'graphql';
import {
  createHandler,
  type ExecutionPatchResult,
  type ExecutionResult,
  type Handler,
  type OperationArgs,
  type Request as SseRequest,
  type RequestParams,
  type Response as SseResponse,
  TOKEN_HEADER_KEY,
  TOKEN_QUERY_KEY,
} from 'graphql-sse';
import { AppError, ErrorCode } from '../errors';
import type { RequestContext, Viewer } from '../graphql/context';
import type { DocumentCache } from '../graphql/document-cache';
import type { QueryLimits } from '../graphql/limits';
import type { SubscriptionCohorts } from '../graphql/subscription-cohorts';
import { type Logger, runWithRequestId } from '../logger';
import { AUTH_MESSAGES, type Authenticator } from './auth';
import { authenticateRequest, rateKey, refuse } from './guard';
import { createOperationGate, type OperationGate } from './operation-gate';
import { ORIGIN_REFUSED_MESSAGE, type OriginPolicy } from './origin';
import type { RateLimiter } from './rate-limit';
import { asWireErrors, containFailures, header, Slots, SSE_PATH, sseMessage, writeAnswer } from './sse-wire';

/** Options of {@link SseTransport}. */
export interface SseOptions {
  logger: Logger;
  auth: Authenticator;
  limiter: RateLimiter;
  limits: QueryLimits;
  /** Parsed, validated documents by text, shared with the WebSocket. */
  documents: DocumentCache;
  /** Executes each event once per cohort, across WebSocket and SSE subscribers. */
  cohorts: SubscriptionCohorts;
  /** Builds an operation's context for a viewer. */
  context(viewer: Viewer, requestId: string): RequestContext;
  /** The same error policy as HTTP and the WebSocket. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Browser origins that may use the API (the server's own, CORS_ORIGINS), as for the WebSocket and uploads. */
  origins: OriginPolicy;
  /** Streams (and unconnected reservations) one API key may hold open. */
  maxStreamsPerKey: number;
  /** Operations one single-connection stream may run at once. */
  maxOperationsPerStream: number;
  /** Interval of keep-alive comments. */
  keepAliveMs: number;
  /** Time a reservation (PUT) has to open its stream. */
  reservationTimeoutMs: number;
  /** Largest JSON body of an operation, in bytes. */
  bodyLimitBytes: number;
}

/** graphql-sse demands an index signature on contexts; Reelgraph's is an interface. */
type SseContext = RequestContext & Record<PropertyKey, unknown>;

/** A single-connection stream reserved by PUT, its stream open or not yet. */
interface Reservation {
  token: string;
  viewer: Viewer;
  /** Operations running on it, by the client's operation id. */
  operations: Set<string>;
  /** Drops the reservation when its stream is not opened in time. */
  expiry?: NodeJS.Timeout;
  /** Its stream is open. */
  connected?: boolean;
}

/** What graphql-sse is handed as `req.context` for one HTTP request. */
interface Call {
  viewer: Viewer;
  requestId: string;
  /** The viewer's reservation the request names by its token. */
  reservation?: Reservation;
  /** For a PUT: the token of the reservation it makes. */
  token?: string;
}

/** An event stream being written. */
interface OpenStream {
  viewer: Viewer;
  res: Response;
  reservation?: Reservation;
  /** Ends the stream (the client sees it close) and its operations. */
  close(): void;
  /** Resolves once the stream is finished and cleaned up. */
  finished: Promise<void>;
}

/** Counters for tests and metrics. */
export interface SseStats {
  /** Event streams open now. */
  streams: number;
  /** Single-connection reservations whose stream is not open yet. */
  reservations: number;
}

/**
 * GraphQL over Server-Sent Events at `/graphql/stream` (graphql-sse), in both of its modes:
 * "distinct connections" (each request is one operation and its own stream) and "single
 * connection" (PUT reserves a stream and returns its token; one GET/POST with
 * `Accept: text/event-stream` opens it; operations are POSTed with the token and their results
 * arrive on it). The same rules as the WebSocket: the Authorization header (or local mode), the
 * {@link createOperationGate | operation gate} per operation, a cap of open streams per key and
 * of operations per stream, the same error policy, cohort execution; revoking a key ends its
 * streams with an UNAUTHENTICATED result, and shutdown ends every stream.
 */
export class SseTransport {
  private handler: Handler<null, Call> | undefined;
  /** Streams and reservations held per rate key. */
  private readonly held: Slots;
  private readonly reservations = new Map<string, Reservation>();
  private readonly streams = new Set<OpenStream>();
  /** The single-connection operation a context belongs to, to forget it when it completes. */
  private readonly operationOf = new WeakMap<object, { reservation: Reservation; id: string }>();
  private closing = false;

  constructor(private readonly options: SseOptions) {
    this.held = new Slots(options.maxStreamsPerKey);
    options.auth.onRevoked((keyIds) => this.revoke(keyIds));
  }

  /** Open streams and pending reservations now. */
  get stats(): SseStats {
    return { streams: this.streams.size, reservations: [...this.reservations.values()].filter((r) => !r.connected).length };
  }

  /** Mounts the route; call before the HTTP guard (the route authenticates and limits each operation itself). */
  readonly mount = (app: Express, schema: GraphQLSchema): { dispose(): Promise<void> } => {
    const gate = createOperationGate({ ...this.options, schema });
    const { cohorts } = this.options;
    this.handler = createHandler<null, Call, SseContext>({
      schema,
      // Every operation's arguments come from the gate, which took its document from the cache
      // that validated it; graphql-sse would validate it again on every request.
      validate: () => [],
      subscribe: async (args) => {
        const result = await cohorts.subscribe(args);
        return Symbol.asyncIterator in result ? containFailures(result) : result;
      },
      authenticate: (req) => req.context.token ?? req.context.reservation?.token ?? null,
      onSubscribe: (req, params) => this.admit(gate, req, params),
      onNext: (ctx, req, result) => this.format(ctx, req.context, result),
      onComplete: (ctx) => this.forget(ctx),
    });
    app.all(
      SSE_PATH,
      (req: Request, res: Response, next: NextFunction) => void this.authenticate(req, res).then((go) => go && next(), next),
      express.json({ limit: this.options.bodyLimitBytes }),
      (req: Request, res: Response, next: NextFunction) => void this.handle(req, res).catch(next),
    );
    return { dispose: () => this.dispose() };
  };

  /** Origin and API key, before the body is read: refused requests cost no parsing. */
  private async authenticate(req: Request, res: Response): Promise<boolean> {
    if (this.closing) {
      res.setHeader('retry-after', '1');
      refuse(res, 503, 'SHUTTING_DOWN', 'This instance is shutting down; reconnect.');
      return false;
    }
    // An EventSource is sent cross-site without a preflight, like a WebSocket upgrade.
    const origin = req.header('origin');
    if (!this.options.origins.allows(origin)) {
      this.options.logger.warn({ origin }, 'SSE request refused: origin not allowed');
      refuse(res, 403, ErrorCode.FORBIDDEN, ORIGIN_REFUSED_MESSAGE, { origin });
      return false;
    }
    const viewer = await authenticateRequest(this.options.auth, req, res);
    if (!viewer) return false;
    res.locals.viewer = viewer;
    return true;
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const handler = this.handler as Handler<null, Call>;
    const viewer = res.locals.viewer as Viewer;
    const call: Call = { viewer, requestId: res.locals.requestId as string };
    const key = rateKey(viewer);
    const url = new URL(req.originalUrl, 'http://reelgraph');
    const token = req.header(TOKEN_HEADER_KEY) ?? url.searchParams.get(TOKEN_QUERY_KEY);
    if (req.method === 'PUT') {
      call.token = randomBytes(24).toString('base64url');
    } else if (token) {
      const reservation = this.reservations.get(token);
      // Another key's token is treated as unknown: it reveals nothing and reaches nothing.
      if (!reservation || rateKey(reservation.viewer) !== key) {
        refuse(res, 404, ErrorCode.NOT_FOUND, `No reserved stream has this token for this API key (unopened reservations expire after ${this.options.reservationTimeoutMs} ms, and one ends with its stream): reserve another with PUT ${SSE_PATH}.`);
        return;
      }
      call.reservation = reservation;
      const completing = req.method === 'DELETE' ? url.searchParams.get('operationId') : null;
      if (completing) reservation.operations.delete(completing);
    }
    // A PUT or a stream of its own holds a slot; a reservation's stream uses the reservation's.
    const holds = req.method === 'PUT' || (req.header('accept') === 'text/event-stream' && !call.reservation);
    if (holds && !this.held.take(key)) {
      const max = this.options.maxStreamsPerKey;
      refuse(res, 429, ErrorCode.RATE_LIMITED, `This API key already holds ${max} event streams, the most allowed; close one, or run several operations on one stream (single-connection mode).`, { limit: max });
      return;
    }
    let gone = false;
    res.once('close', () => (gone = true));
    let response: SseResponse;
    try {
      response = await handler({
        method: req.method,
        url: req.originalUrl,
        headers: { get: (name) => header(req, name) },
        body: () => (req.body as Record<string, unknown> | undefined) ?? null,
        raw: null,
        context: call,
      });
    } catch (error) {
      if (holds) this.held.give(key);
      throw error;
    }
    const [body, init] = response;
    if (body === null || typeof body === 'string') {
      if (call.token && init.status === 201) this.reserve(call.token, viewer);
      else if (holds) this.held.give(key);
      writeAnswer(res, body, init);
      return;
    }
    if (call.reservation) {
      clearTimeout(call.reservation.expiry);
      call.reservation.connected = true;
    }
    if (gone) {
      // The client left while the operation was being prepared: nobody will read the stream.
      await body.return(undefined);
      this.release(key, call.reservation);
      return;
    }
    await this.pipe(res, body, init, { viewer, reservation: call.reservation });
  }

  /** Writes an event stream until it ends, with keep-alive comments; then frees what it held. */
  private async pipe(res: Response, body: AsyncGenerator<string, void, undefined>, init: { status: number; statusText: string; headers?: Record<string, string> }, owner: { viewer: Viewer; reservation?: Reservation }): Promise<void> {
    let finish!: () => void;
    const stop = () => void body.return(undefined);
    const stream: OpenStream = {
      ...owner,
      res,
      close: () => {
        if (!res.writableEnded) res.end();
        stop();
      },
      finished: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.streams.add(stream);
    // Proxies such as nginx buffer responses unless told not to; a buffered stream is no stream.
    res.writeHead(init.status, init.statusText, { ...init.headers, 'x-accel-buffering': 'no' });
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    void closed.then(stop);
    const keepAlive = setInterval(() => res.writable && res.write(':\n\n'), this.options.keepAliveMs);
    let first = true;
    try {
      for await (const chunk of body) {
        // graphql-sse sends a comment first (it flushes the headers) and then every 12 s; the
        // later ones are replaced by Reelgraph's own, at the configured interval.
        if (chunk === ':\n\n' && !first) continue;
        first = false;
        if (!res.writable) break;
        // A slow reader holds the next message back; a write's callback may never come once the
        // connection is gone, so wait for room or the close, whichever is first.
        if (!res.write(chunk)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), closed]);
      }
    } catch (error) {
      this.options.logger.warn({ err: { message: (error as Error).message } }, 'SSE stream ended by an error');
    } finally {
      clearInterval(keepAlive);
      stop();
      if (!res.writableEnded) res.end();
      this.streams.delete(stream);
      this.release(rateKey(owner.viewer), owner.reservation);
      finish();
    }
  }

  /** onSubscribe: the per-stream cap, then the gate; refusals answer as the mode expects. */
  private async admit(gate: OperationGate, req: SseRequest<null, Call>, params: RequestParams): Promise<SseResponse | ExecutionResult | OperationArgs<SseContext>> {
    const call = req.context;
    const { reservation } = call;
    const max = this.options.maxOperationsPerStream;
    if (reservation && reservation.operations.size >= max) {
      return { data: null, errors: [new AppError(ErrorCode.RATE_LIMITED, `This stream already runs ${max} operations, the most allowed; complete one or reserve another stream.`, { limit: max })] };
    }
    const admission = await gate(call.viewer, params, call.requestId);
    if (!admission.admitted) {
      // A stream of its own that is over the rate is refused before it opens (clients retry it
      // later); other refusals, and all of them on a shared stream, arrive as the operation's
      // result, as over the WebSocket.
      if (!reservation && admission.status === 429) {
        const retryAfter = String(admission.errors[0].extensions.retryAfterSeconds);
        return this.envelope(call, 429, 'Too Many Requests', admission.errors, { 'retry-after': retryAfter });
      }
      return { data: null, errors: admission.errors };
    }
    if (admission.kind === OperationTypeNode.MUTATION && req.method === 'GET') {
      const error = new AppError(ErrorCode.BAD_REQUEST, 'Mutations cannot be sent with GET: POST them with a JSON body.', { allowed: ['POST'] });
      if (!reservation) return this.envelope(call, 405, 'Method Not Allowed', [error], { allow: 'POST' });
      return { data: null, errors: [error] };
    }
    if (reservation) {
      const id = String(params.extensions?.operationId);
      reservation.operations.add(id);
      this.operationOf.set(admission.args.contextValue, { reservation, id });
    }
    return admission.args as OperationArgs<SseContext>;
  }

  /** A JSON error response, through the error policy. */
  private envelope(call: Call, status: number, statusText: string, errors: readonly GraphQLError[], headers: Record<string, string>): SseResponse {
    const formatted = runWithRequestId(call.requestId, () => errors.map((error) => this.options.formatError(error.toJSON(), error)));
    return [JSON.stringify({ errors: formatted }), { status, statusText, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } }];
  }

  /** onNext: errors through the error policy (logged with the request id), warnings as over HTTP. */
  private format<R extends ExecutionResult | ExecutionPatchResult>(ctx: SseContext | undefined, call: Call, result: R): R | undefined {
    const warnings = ctx?.warnings.splice(0) ?? [];
    const errors = result.errors;
    if (!errors?.length && warnings.length === 0) return undefined;
    const formatted = errors?.length ? asWireErrors(runWithRequestId(call.requestId, () => errors.map((error) => this.options.formatError(error.toJSON(), error)))) : undefined;
    return { ...result, ...(formatted ? { errors: formatted } : {}), ...(warnings.length > 0 ? { extensions: { ...result.extensions, warnings } } : {}) };
  }

  /** onComplete: a single-connection operation no longer counts against its stream's cap. */
  private forget(ctx: SseContext | undefined): void {
    const operation = ctx && this.operationOf.get(ctx);
    operation?.reservation.operations.delete(operation.id);
  }

  private reserve(token: string, viewer: Viewer): void {
    const reservation: Reservation = { token, viewer, operations: new Set() };
    reservation.expiry = setTimeout(() => void this.drop(reservation), this.options.reservationTimeoutMs);
    reservation.expiry.unref();
    this.reservations.set(token, reservation);
  }

  /** Forgets a reservation whose stream never opened, and ends what was posted to it. */
  private async drop(reservation: Reservation): Promise<void> {
    if (this.reservations.get(reservation.token) !== reservation || reservation.connected) return;
    clearTimeout(reservation.expiry);
    this.release(rateKey(reservation.viewer), reservation);
    // graphql-sse forgets a reservation only when its stream ends: open it here and end it at once.
    const [body] = await (this.handler as Handler<null, Call>)({
      method: 'GET',
      url: SSE_PATH,
      headers: { get: (name) => (name === 'accept' ? 'text/event-stream' : null) },
      body: null,
      raw: null,
      context: { viewer: reservation.viewer, requestId: 'sse-reservation-expired', reservation },
    });
    if (body !== null && typeof body !== 'string') await body.return(undefined);
  }

  /** Ends the streams of revoked keys with an UNAUTHENTICATED result for each operation, like the WebSocket's 4401. */
  private revoke(keyIds: Set<string>): void {
    const revoked = (viewer: Viewer) => viewer.keyId !== undefined && keyIds.has(viewer.keyId);
    const error: GraphQLFormattedError = { message: AUTH_MESSAGES.invalid, extensions: { code: ErrorCode.UNAUTHENTICATED } };
    for (const stream of this.streams) {
      if (!revoked(stream.viewer)) continue;
      const operations = stream.reservation ? [...stream.reservation.operations] : [''];
      if (stream.res.writable) for (const id of operations) stream.res.write(sseMessage('next', id, { errors: [error] }) + sseMessage('complete', id));
      stream.close();
    }
    for (const reservation of this.reservations.values()) if (revoked(reservation.viewer)) void this.drop(reservation);
  }

  /** Shutdown: refuses new requests, ends every stream (clients reconnect, to another instance) and reservation. */
  private async dispose(): Promise<void> {
    this.closing = true;
    const finished = [...this.streams].map((stream) => {
      stream.close();
      return stream.finished;
    });
    await Promise.all([...this.reservations.values()].map((reservation) => this.drop(reservation)));
    await Promise.all(finished);
  }

  /** Frees a stream's slot; a reservation's slot is freed with the reservation, once. */
  private release(key: string, reservation: Reservation | undefined): void {
    if (reservation && !this.reservations.delete(reservation.token)) return;
    this.held.give(key);
  }
}
