import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { type GraphQLSchema, getOperationAST } from 'graphql';
import { WebSocketServer } from 'ws';
import type { RequestContext } from '../graphql/context';
import { createErrorFormatter, errorLogPlugin } from '../graphql/error-policy';
import type { QueryLimits } from '../graphql/limits';
import { ulid } from '../ids';
import { type Logger, runWithRequestId } from '../logger';
import { accessLog } from './access-log';
import { bodyTimeouts, cutByBodyTimeout, type HttpTimeouts, serverTimeouts } from './timeouts';
import { graphqlPreflight, requestErrorStatusPlugin } from './graphql-http';

/** Builds the per-operation context of an HTTP request (the guard already put the viewer in `res.locals.viewer`). */
export type HttpContextFactory = (req: Request, res: Response) => Promise<RequestContext>;

/** Something that mounts routes on the express app (before the GraphQL endpoint). */
export type RouteMounter = (app: Express) => void;

/** Attaches the WebSocket transport; returns its disposer. */
export type WebSocketMounter = (wss: WebSocketServer, schema: GraphQLSchema) => { dispose(): Promise<void> | void };

/** Mounts a streaming HTTP transport (GraphQL over SSE); returns its disposer, which ends its streams. */
export type StreamMounter = (app: Express, schema: GraphQLSchema) => { dispose(): Promise<void> | void };

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  schema: GraphQLSchema;
  logger: Logger;
  context: HttpContextFactory;
  /** Routes that need their own body parsing (webhooks need the raw body) or none (media). */
  routes: RouteMounter[];
  /** Routes that answer without an API key (browser pages and their assets), mounted before the guard. */
  pages?: RouteMounter[];
  webSocket?: WebSocketMounter;
  /** Largest WebSocket message, in bytes (ws would otherwise buffer up to 100 MiB). Default 1 MiB. */
  webSocketMaxPayloadBytes?: number;
  /** Mounted before the guard: it authenticates and rate-limits each operation itself. */
  stream?: StreamMounter;
  /** Extra Apollo plugins (limits, persisted queries, metrics). */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** Byte and token limits of query text, enforced before parsing. */
  documentLimits: Pick<QueryLimits, 'maxQueryBytes' | 'maxQueryTokens'>;
  /** Largest JSON body accepted on /graphql, in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Runs before /graphql and /uploads: authentication and rate limits. */
  guard?: RequestHandler;
  /** Runs before everything else on every request (request metrics). */
  observe?: RequestHandler;
  /** Runs first on every request (CORS). */
  cors?: RequestHandler;
  /** Schema introspection (on by default: integrators generate clients from it). */
  introspection?: boolean;
  /** Cache for automatic persisted queries (Apollo's in-memory LRU when absent). */
  persistedQueriesCache?: KeyValueCache<string>;
  port: number;
  host: string;
  /** How long shutdown waits for in-flight HTTP requests. Default 10 s. */
  drainMs?: number;
  /** How long clients may take to send requests (Node's defaults would hold a slow body for 300 s). */
  timeouts: HttpTimeouts;
}

/** A running HTTP + WebSocket server. */
export interface RunningHttpServer {
  httpServer: http.Server;
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  origin: string;
  port: number;
  /** Stops accepting, drains HTTP requests and WebSocket connections. */
  stop(): Promise<void>;
}

/**
 * The express response of an operation, on its context, so the access line can name the operation
 * Apollo resolved. A symbol key: Apollo hands plugins a shallow clone of the context, which keeps it.
 */
const RESPONSE = Symbol('response');
type WithResponse = RequestContext & { [RESPONSE]?: Response };

/** Apollo plugin: copies warnings the resolvers collected into `extensions.warnings`. */
const warningsPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        if (contextValue.warnings.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, warnings: contextValue.warnings };
      },
    };
  },
};

/**
 * express 5 + Apollo Server 5 + graphql-ws on ONE port: `/graphql` answers HTTP POST/GET and
 * upgrades WebSocket connections (graphql-transport-ws). Stopping drains both.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const httpServer = http.createServer(serverTimeouts(options.timeouts), app);

  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: options.webSocketMaxPayloadBytes ?? 1024 * 1024 });
  const ws = options.webSocket?.(wss, options.schema);
  // Mounted with the routes below; drained with the WebSocket (open streams would hold the HTTP drain).
  let stream: ReturnType<StreamMounter> | undefined;

  const apollo = new ApolloServer<RequestContext>({
    schema: options.schema,
    // Errors are logged once per request, with its id, by errorLogPlugin.
    formatError: createErrorFormatter(),
    parseOptions: { maxTokens: options.documentLimits.maxQueryTokens },
    includeStacktraceInErrorResponses: false,
    // CSRF prevention for POST is graphqlPreflight's (Apollo's would also demand a header on GET queries, which urql sends by default).
    csrfPrevention: false,
    introspection: options.introspection ?? true,
    persistedQueries: { cache: options.persistedQueriesCache, ttl: 24 * 3600 },
    // Reelgraph owns the shutdown order (stop claiming work, drain, close the database); Apollo's
    // own signal handlers would race it and re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs ?? 10_000 }),
      ApolloServerPluginLandingPageDisabled(),
      { async serverWillStart() { return { async drainServer() { await Promise.all([ws?.dispose(), stream?.dispose()]); } }; } },
      warningsPlugin,
      {
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, operationName, request, document }) {
              const res = (contextValue as WithResponse)[RESPONSE];
              // A document that failed validation has no resolved operation; its name is still useful.
              if (res) res.locals.operationName = operationName ?? request.operationName ?? (document && getOperationAST(document)?.name?.value);
            },
          };
        },
      },
      errorLogPlugin(options.logger),
      requestErrorStatusPlugin(),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  if (options.observe) app.use(options.observe);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && /^[\w.:-]{1,100}$/.test(incoming) ? incoming : ulid();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    accessLog(options.logger, req, res);
    // Body parsers call `next` from the request stream's events, which run outside this scope:
    // emit them inside it, so handlers after a parser still log with the request id.
    const emit = req.emit;
    req.emit = ((...args: Parameters<typeof emit>) => runWithRequestId(requestId, () => emit.apply(req, args))) as typeof emit;
    runWithRequestId(requestId, next);
  });
  app.use(bodyTimeouts(options.timeouts));
  if (options.cors) app.use(options.cors);
  for (const mount of options.pages ?? []) mount(app);
  stream = options.stream?.(app, options.schema);
  if (options.guard) app.use(['/graphql', '/uploads'], options.guard);
  // GraphQL first: it is most of the traffic, and express tries routes in order.
  app.use(
    '/graphql',
    express.json({ limit: options.bodyLimitBytes ?? 1024 * 1024 }),
    graphqlPreflight(options.documentLimits, options.logger),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const context = await options.context(req, res);
        return Object.assign(context, { [RESPONSE]: res });
      },
    }),
  );
  for (const mount of options.routes) mount(app);
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route. GraphQL lives at /graphql.' } });
  });
  // Malformed bodies and other errors thrown before a route answered: a JSON error, never a stack trace.
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (cutByBodyTimeout(res)) return;
    const status = error.status && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) options.logger.error({ err: error }, 'unhandled HTTP error');
    const message = status === 413 ? 'Request body too large.' : status < 500 ? error.message : 'Internal server error.';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    httpServer,
    origin: `http://${host}:${address.port}`,
    port: address.port,
    stop: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
