import 'reflect-metadata';
import path from 'node:path';
import { connectUpstreams } from './composition/upstreams';
import { ModelCatalog } from './modules/models/catalog';
import { buildPipeline, type Pipeline } from './composition/pipeline';
import { buildServices, type Services } from './composition/services';
import { type Config, ConfigError } from './config';
import { type Database, openDatabase } from './db/orm';
import { forkForTenant } from './db/tenant-scoped';
import type { Emulator } from './emulator';
import { generateWebhookSecret } from './emulator';
import { createEventBus, type EventBus } from './events/event-bus';
import type { RequestContext, Viewer } from './graphql/context';
import { DocumentCache } from './graphql/document-cache';
import { createErrorFormatter } from './graphql/error-policy';
import { OperationContext } from './graphql/operation-context';
import { SubscriptionCohorts } from './graphql/subscription-cohorts';
import { buildReelgraphSchema, resolverContainer } from './graphql/schema';
import { RedisKeyValueCache } from './graphql/apq-cache';
import { type QueryLimits, queryLimitsPlugin } from './graphql/limits';
import { responseSizePlugin } from './graphql/response-size';
import { Authenticator, isLoopback } from './http/auth';
import { type AuthFailureLimiter, MemoryAuthFailureLimiter, RedisAuthFailureLimiter } from './http/auth-failures';
import { cors, requestGuard } from './http/guard';
import { healthRoutes } from './http/health.routes';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter, UNLIMITED } from './http/rate-limit';
import { mediaRoutes } from './http/media.routes';
import { startHttpServer } from './http/server';
import { SseTransport } from './http/sse';
import { mountWebSocket } from './http/websocket';
import { OriginPolicy } from './http/origin';
import { WebSocketGate } from './http/ws-gate';
import { ulid } from './ids';
import type { Worker } from './jobs/worker';
import { createLogger, type Logger } from './logger';
import type { Tenant } from './modules/tenants/tenant.entity';
import { ApiKeyService } from './modules/tenants/api-key.service';
import { ensureTenant, LOCAL_TENANT_SLUG } from './modules/tenants/tenant.service';
import { uploadRoutes } from './modules/uploads/upload.routes';
import { webhookRoutes } from './modules/webhooks/webhook.routes';
import { WebhookService } from './modules/webhooks/webhook.service';
import { LocalStorage } from './storage/local-storage';
import { MediaSigner } from './storage/media-signer';
import { MediaUrls } from './storage/media-urls';
import { persistentSecret } from './storage/secrets';
import { WebBundle } from './studio/bundle';
import { webRoutes } from './studio/web.routes';
import type { Upstreams } from './upstream/upstreams';
import { databaseGauges } from './metrics/database-gauges';
import { graphqlMetricsPlugin } from './metrics/graphql-metrics';
import { Metrics } from './metrics/metrics';
import { httpMetrics, metricsRoutes } from './metrics/metrics.routes';

/** A running Reelgraph instance. */
export interface Reelgraph {
  config: Config;
  logger: Logger;
  /** `http://host:port` as bound. */
  origin: string;
  /** Public base URL used in media links. */
  publicUrl: string;
  db: Database;
  bus: EventBus;
  upstreams: Upstreams;
  worker: Worker;
  /** The embedded emulator, when no remote upstream is configured. */
  emulator?: Emulator;
  localTenant: Tenant;
  /** This instance's Prometheus series (served at `/metrics`). */
  metrics: Metrics;
  /** Parts tests and benchmarks look into. */
  internals: { pipeline: Pipeline; services: Services; auth: Authenticator; apiKeys: ApiKeyService; documents: DocumentCache; cohorts: SubscriptionCohorts; web: WebBundle; sse: SseTransport };
  /** Graceful shutdown: drains HTTP and WebSocket, finishes in-flight tasks, closes connections. */
  stop(): Promise<void>;
}

/** Options for tests and embedding. */
export interface StartOptions {
  logger?: Logger;
}

/** A named shutdown step; steps run in reverse order of registration. */
type Cleanup = [name: string, run: () => Promise<void>];

/**
 * Starts Reelgraph: database (migrated), upstream (embedded emulator unless a key is set), job
 * pipeline, GraphQL over HTTP and WebSocket on one port. Everything started is stopped again if a
 * later step fails, so a failed start leaves no open handles.
 */
export async function startReelgraph(config: Config, options: StartOptions = {}): Promise<Reelgraph> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cleanups: Cleanup[] = [];
  const cleanup = async () => {
    for (const [name, run] of cleanups.reverse()) {
      const started = Date.now();
      await run().catch((err: unknown) => logger.error({ err, step: name }, 'shutdown step failed'));
      logger.debug({ step: name, ms: Date.now() - started }, 'shutdown step done');
    }
  };
  try {
    return await assemble(config, logger, cleanups, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function assemble(config: Config, logger: Logger, cleanups: Cleanup[], cleanup: () => Promise<void>): Promise<Reelgraph> {
  const db = await openDatabase(config.database, logger);
  cleanups.push(['database', () => db.orm.close(true)]);
  const localTenant = await ensureTenant(db.orm, LOCAL_TENANT_SLUG, 'Local');
  const metrics = new Metrics(databaseGauges(db));
  const stopCountingSql = db.queryLog.listen(metrics.countSql);
  cleanups.push(['sql metrics', async () => void stopCountingSql()]);

  const bus = await createEventBus(config.redisUrl, logger);
  cleanups.push(['event bus', () => bus.close()]);

  const catalog = ModelCatalog.load(config.models.catalogFile);
  const { upstreams, emulator } = await connectUpstreams(config, catalog, logger, metrics);
  if (emulator) cleanups.push(['embedded emulator', () => emulator.close()]);

  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  // A live upload writes its temporary file at least every HTTP_BODY_IDLE_TIMEOUT_MS (5 min at most)
  // or is cut off, and is probed and moved within seconds of its last byte: 15 idle minutes is a dead one.
  const stopSweeper = await storage.startTempSweeper(15 * 60_000, (err) => logger.warn({ err }, 'sweeping temporary upload files failed'));
  cleanups.push(['temp sweeper', async () => stopSweeper()]);
  const signer = new MediaSigner(config.mediaSigningSecret ?? persistentSecret(config.dataDir, 'media-signing.key'));
  let publicUrl = config.publicUrl ?? '';
  const mediaUrls = new MediaUrls(signer, () => publicUrl, { ttlSeconds: config.mediaUrlTtlSeconds, minValiditySeconds: config.mediaUrlMinValiditySeconds });

  const pipeline = buildPipeline(config, db, bus, upstreams, storage, logger);
  cleanups.push(['task leases', () => pipeline.leases.stop()]);
  const { queue, worker, eventLog, live } = pipeline;
  const webhookSecret = config.webhookSecret ?? (emulator ? persistentSecret(config.dataDir, 'webhook-secret', generateWebhookSecret) : undefined);
  const webhooks = new WebhookService(db.orm, queue, webhookSecret, logger.child({ component: 'webhooks' }));

  const apiKeys = new ApiKeyService(db.orm, config.security.operatorTenant);
  const localViewer: Viewer = { tenantId: localTenant.id, role: 'admin', local: true, operator: true };
  const auth = await startAuthenticator(config, apiKeys, localViewer, bus, logger);
  cleanups.push(['authenticator', async () => auth.stop()]);
  const limiter = rateLimiter(config, bus);
  // Browser origins allowed on the WebSocket, SSE and /uploads; the bound origin is known once listening.
  let serverOrigin: string | undefined;
  const origins = new OriginPolicy({ configured: config.security.corsOrigins, own: () => [serverOrigin, config.publicUrl], localMode: () => auth.localMode });

  let contextFor: (viewer: Viewer, requestId: string) => RequestContext = () => {
    throw new Error('context requested before the services were built');
  };
  const services = buildServices({
    config,
    catalog,
    db,
    bus,
    upstreams,
    storage,
    mediaUrls,
    pipeline,
    logger,
    systemContext: (tenantId) => contextFor({ tenantId, role: 'member', local: false }, `system-${ulid()}`),
    webhooks,
    apiKeys,
  });
  const schema = await buildReelgraphSchema(resolverContainer(services.resolvers));
  const streams = { videos: live, events: eventLog, storyboards: services.storyboardLive, batches: services.batchLive };
  const forkFor = (tenantId: string) => forkForTenant(db.orm, tenantId);
  contextFor = (viewer, requestId) => new OperationContext(viewer, requestId, streams, forkFor);
  const { security } = config;
  const limits: QueryLimits = {
    maxDepth: security.maxQueryDepth,
    maxCost: security.maxQueryCost,
    maxQueryBytes: security.maxQueryBytes,
    maxQueryTokens: security.maxQueryTokens,
    maxMutations: security.maxMutationsPerRequest,
  };
  const web = new WebBundle(logger.child({ component: 'web' }));
  const documents = new DocumentCache(schema, limits);
  const cohorts = new SubscriptionCohorts();
  const sse = new SseTransport({
    logger: logger.child({ component: 'sse' }),
    auth,
    limiter,
    limits,
    documents,
    cohorts,
    context: contextFor,
    formatError: createErrorFormatter(logger),
    origins,
    maxStreamsPerKey: config.sse.maxStreamsPerKey,
    maxOperationsPerStream: security.maxSubscriptionsPerConnection,
    keepAliveMs: config.sse.keepAliveMs,
    reservationTimeoutMs: config.sse.reservationTimeoutMs,
    bodyLimitBytes: security.bodyLimitBytes,
  });
  metrics.countSseStreams(() => sse.stats.streams);
  const internals: Reelgraph['internals'] = { pipeline, services, auth, apiKeys, documents, cohorts, sse, web };

  const server = await startHttpServer({
    schema,
    logger,
    port: config.port,
    host: config.host,
    webSocketMaxPayloadBytes: config.websocket.maxPayloadBytes,
    context: async (_req, res) => contextFor(res.locals.viewer as Viewer, res.locals.requestId as string),
    guard: requestGuard(auth, limiter),
    observe: httpMetrics(metrics),
    cors: cors(config.security.corsOrigins),
    introspection: config.security.introspection,
    bodyLimitBytes: config.security.bodyLimitBytes,
    timeouts: { headersMs: config.http.headersTimeoutMs, requestMs: config.http.requestTimeoutMs, bodyIdleMs: config.http.bodyIdleTimeoutMs, keepAliveMs: config.http.keepAliveTimeoutMs, uploadMs: config.uploads.timeoutMs },
    persistedQueriesCache: bus.redis ? new RedisKeyValueCache(bus.redis) : undefined,
    documentLimits: limits,
    plugins: [queryLimitsPlugin(limits, limiter), responseSizePlugin(security.maxResponseBytes), graphqlMetricsPlugin(metrics)],
    pages: [webRoutes({ bundle: web, explorer: config.explorer, mediaOrigin: () => mediaOrigin(publicUrl) })],
    webSocket: mountWebSocket({
      logger: logger.child({ component: 'ws' }),
      auth,
      limiter,
      limits,
      maxSubscriptions: config.security.maxSubscriptionsPerConnection,
      context: contextFor,
      formatError: createErrorFormatter(logger),
      connectionInitWaitTimeout: config.websocket.connectionInitTimeoutMs,
      keepAliveMs: config.websocket.keepAliveMs,
      documents,
      cohorts,
      metrics,
      gate: new WebSocketGate({
        origins,
        maxPayloadBytes: config.websocket.maxPayloadBytes,
        preAuthMaxPayloadBytes: config.websocket.preAuthMaxPayloadBytes,
        preAuthConnectionsPerAddress: config.websocket.preAuthConnectionsPerAddress,
        logger: logger.child({ component: 'ws' }),
      }),
    }),
    stream: sse.mount,
    routes: [
      healthRoutes([
        { name: 'database', check: async () => void (await db.orm.em.getConnection().execute('select 1', [], 'all')) },
        { name: 'upstream', check: () => upstreams.default.ping() },
      ], logger.child({ component: 'readiness' })),
      webhookRoutes(webhooks, () => worker.kick(), logger.child({ component: 'webhooks' }), metrics),
      metricsRoutes(metrics, config.metricsToken, logger.child({ component: 'metrics' })),
      uploadRoutes(services.uploads, origins, logger.child({ component: 'uploads' })),
      mediaRoutes(storage, signer),
    ],
  });
  cleanups.push(['http + websocket', () => server.stop()]);
  publicUrl = config.publicUrl ?? server.origin;
  serverOrigin = server.origin;
  // The embedded upstream delivers signed webhooks to this instance, as a real one would be configured to.
  if (emulator && webhookSecret) emulator.setWebhook({ url: `${server.origin}/webhooks/openai`, secret: webhookSecret });

  if (config.jobs.enabled) {
    worker.start();
    cleanups.push(['worker', () => worker.stop()]);
  }
  logger.info(
    { url: `${server.origin}/graphql`, studio: `${server.origin}/`, database: db.dialect, events: bus.kind, upstream: emulator ? `embedded emulator at ${emulator.origin}` : upstreams.default.name },
    'Reelgraph is ready',
  );
  if (auth.localMode) {
    logger.info(`Local mode: no API keys exist, so requests without a key act as tenant '${localTenant.slug}' (admin). Create a key with \`npm run keys -- create --tenant <slug>\` to require keys.`);
  }
  let stopped: Promise<void> | undefined;
  return { config, logger, origin: server.origin, publicUrl, db, bus, upstreams, worker, emulator, localTenant, metrics, internals, stop: () => (stopped ??= cleanup()) };
}

/** The origin of the public URL media links use (PUBLIC_URL may point at another host than the pages). */
function mediaOrigin(publicUrl: string): string | undefined {
  try {
    return new URL(publicUrl).origin;
  } catch {
    return undefined;
  }
}

/**
 * Starts authentication. Local mode (no key needed) is allowed on loopback, or anywhere with
 * ALLOW_ANONYMOUS; bound elsewhere with no keys at all, Reelgraph refuses to start rather than
 * serve everyone as one tenant.
 */
async function startAuthenticator(config: Config, keys: ApiKeyService, localViewer: Viewer, bus: EventBus, logger: Logger): Promise<Authenticator> {
  const localModeAllowed = isLoopback(config.host) || config.security.allowAnonymous;
  if (!localModeAllowed && !(await keys.anyActive())) {
    throw new ConfigError([
      `HOST is ${config.host} (not loopback) and no API key exists: create one first (npm run keys -- create --tenant <slug> --role admin), or set ALLOW_ANONYMOUS=true to serve without keys`,
    ]);
  }
  const auth = new Authenticator({ keys, localViewer, localModeAllowed, failures: authFailureLimiter(config, bus), pubsub: bus.pubsub, logger: logger.child({ component: 'auth' }) });
  await auth.start();
  return auth;
}

/** Failed authentications per client address per minute: shared through Redis when configured, else in memory; none when switched off. */
function authFailureLimiter(config: Config, bus: EventBus): AuthFailureLimiter | undefined {
  const limit = config.security.authFailuresPerMinute;
  if (limit === 0) return undefined;
  const options = { limit, windowMs: 60_000 };
  return bus.redis ? new RedisAuthFailureLimiter(bus.redis, options) : new MemoryAuthFailureLimiter(options);
}

/** Per-key token buckets: shared through Redis when configured, else in memory; none when switched off. */
function rateLimiter(config: Config, bus: EventBus): RateLimiter {
  const { ratePerMinute, rateBurst } = config.security;
  if (ratePerMinute === 0) return UNLIMITED;
  const options = { capacity: rateBurst, perSecond: ratePerMinute / 60 };
  return bus.redis ? new RedisRateLimiter(bus.redis, options) : new MemoryRateLimiter(options);
}

