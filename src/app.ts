import 'reflect-metadata';
import path from 'node:path';
import { connectUpstreams } from './composition/upstreams';
import { ModelCatalog } from './modules/models/catalog';
import { buildPipeline, type Pipeline } from './composition/pipeline';
import { buildServices, type Services } from './composition/services';
import type { Config } from './config';
import { type Database, openDatabase } from './db/orm';
import { forkForTenant } from './db/tenant-scoped';
import type { Emulator } from './emulator';
import { generateWebhookSecret } from './emulator';
import { createEventBus, type EventBus } from './events/event-bus';
import type { RequestContext, Viewer } from './graphql/context';
import type { DocumentCache } from './graphql/document-cache';
import { createErrorFormatter } from './graphql/error-policy';
import { createLoaders } from './graphql/loaders';
import { buildReelgraphSchema, resolverContainer } from './graphql/schema';
import { healthRoutes } from './http/health.routes';
import { mediaRoutes } from './http/media.routes';
import { startHttpServer } from './http/server';
import { mountWebSocket } from './http/websocket';
import { ulid } from './ids';
import type { Worker } from './jobs/worker';
import { createLogger, type Logger } from './logger';
import type { Tenant } from './modules/tenants/tenant.entity';
import { ensureTenant, LOCAL_TENANT_SLUG } from './modules/tenants/tenant.service';
import { uploadRoutes } from './modules/uploads/upload.routes';
import { webhookRoutes } from './modules/webhooks/webhook.routes';
import { WebhookService } from './modules/webhooks/webhook.service';
import { LocalStorage } from './storage/local-storage';
import { MediaSigner } from './storage/media-signer';
import { MediaUrls } from './storage/media-urls';
import { persistentSecret } from './storage/secrets';
import type { Upstreams } from './upstream/upstreams';

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
  /** Parts tests and benchmarks look into. */
  internals: { pipeline: Pipeline; services: Services; documents?: DocumentCache };
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

  const bus = await createEventBus(config.redisUrl, logger);
  cleanups.push(['event bus', () => bus.close()]);

  const catalog = ModelCatalog.load(config.models.catalogFile);
  const { upstreams, emulator } = await connectUpstreams(config, catalog, logger);
  if (emulator) cleanups.push(['embedded emulator', () => emulator.close()]);

  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  const signer = new MediaSigner(config.mediaSigningSecret ?? persistentSecret(config.dataDir, 'media-signing.key'));
  let publicUrl = config.publicUrl ?? '';
  const mediaUrls = new MediaUrls(signer, () => publicUrl, config.mediaUrlTtlSeconds);

  const pipeline = buildPipeline(config, db, bus, upstreams, storage, logger);
  const { queue, worker, eventLog, live } = pipeline;
  const webhookSecret = config.webhookSecret ?? (emulator ? persistentSecret(config.dataDir, 'webhook-secret', generateWebhookSecret) : undefined);
  const webhooks = new WebhookService(db.orm, queue, webhookSecret, logger.child({ component: 'webhooks' }));

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
  });
  const schema = await buildReelgraphSchema(resolverContainer(services.resolvers));
  contextFor = (viewer, requestId) => {
    const em = forkForTenant(db.orm, viewer.tenantId);
    const streams = { videos: live, events: eventLog, storyboards: services.storyboardLive, batches: services.batchLive };
    return { viewer, em, loaders: createLoaders(em), requestId, warnings: [], streams };
  };
  const localViewer: Viewer = { tenantId: localTenant.id, role: 'admin', local: true };
  const internals: Reelgraph['internals'] = { pipeline, services };

  const server = await startHttpServer({
    schema,
    logger,
    port: config.port,
    host: config.host,
    context: async (_req, requestId) => contextFor(localViewer, requestId),
    webSocket: mountWebSocket({
      logger: logger.child({ component: 'ws' }),
      authenticate: async () => localViewer,
      context: contextFor,
      formatError: createErrorFormatter(logger),
      connectionInitWaitTimeout: config.websocket.connectionInitTimeoutMs,
      keepAliveMs: config.websocket.keepAliveMs,
      onDocuments: (documents) => (internals.documents = documents),
    }),
    routes: [
      healthRoutes([
        { name: 'database', check: async () => void (await db.orm.em.getConnection().execute('select 1', [], 'all')) },
        { name: 'upstream', check: () => upstreams.default.ping() },
      ]),
      webhookRoutes(webhooks, () => worker.kick(), logger.child({ component: 'webhooks' })),
      uploadRoutes(services.uploads, async () => localViewer, logger.child({ component: 'uploads' })),
      mediaRoutes(storage, signer),
    ],
  });
  cleanups.push(['http + websocket', () => server.stop()]);
  publicUrl = config.publicUrl ?? server.origin;
  // The embedded upstream delivers signed webhooks to this instance, as a real one would be configured to.
  if (emulator && webhookSecret) emulator.setWebhook({ url: `${server.origin}/webhooks/openai`, secret: webhookSecret });

  if (config.jobs.enabled) {
    worker.start();
    cleanups.push(['worker', () => worker.stop()]);
  }
  logger.info(
    { url: `${server.origin}/graphql`, database: db.dialect, events: bus.kind, upstream: emulator ? `embedded emulator at ${emulator.origin}` : upstreams.default.name },
    'Reelgraph is ready',
  );
  let stopped: Promise<void> | undefined;
  return { config, logger, origin: server.origin, publicUrl, db, bus, upstreams, worker, emulator, localTenant, internals, stop: () => (stopped ??= cleanup()) };
}
