import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import type { ContainerType } from 'type-graphql';
import type { Config } from './config';
import { forkForTenant } from './db/tenant-scoped';
import { type Database, openDatabase } from './db/orm';
import { startEmulator, type Emulator } from './emulator';
import { createEventBus, type EventBus } from './events/event-bus';
import type { RequestContext, Viewer } from './graphql/context';
import { createLoaders } from './graphql/loaders';
import { buildReelgraphSchema } from './graphql/schema';
import { healthRoutes } from './http/health.routes';
import { mediaRoutes } from './http/media.routes';
import { type RunningHttpServer, startHttpServer } from './http/server';
import { ulid } from './ids';
import { Custody } from './jobs/custody';
import { Dispatcher } from './jobs/dispatcher';
import { Reconciler } from './jobs/reconciler';
import { TaskQueue } from './jobs/task-queue';
import { Worker } from './jobs/worker';
import { createLogger, type Logger } from './logger';
import { ModelCatalog } from './modules/models/catalog';
import { NodeResolver } from './modules/node/node.resolver';
import type { Tenant } from './modules/tenants/tenant.entity';
import { ensureTenant, LOCAL_TENANT_SLUG } from './modules/tenants/tenant.service';
import { VideoResolver } from './modules/videos/video.resolver';
import { VideoService } from './modules/videos/video.service';
import { VideoTask } from './modules/videos/video.state';
import { VideoTransitions } from './modules/videos/video.transitions';
import { LocalStorage } from './storage/local-storage';
import { MediaSigner } from './storage/media-signer';
import { MediaUrls } from './storage/media-urls';
import { persistentSecret } from './storage/secrets';
import { UpstreamClient } from './upstream/client';
import { Upstreams } from './upstream/upstreams';

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
  /** Graceful shutdown: drains HTTP and WebSocket, finishes in-flight tasks, closes connections. */
  stop(): Promise<void>;
}

/** Options for tests and embedding. */
export interface StartOptions {
  logger?: Logger;
}

/**
 * Starts Reelgraph: database (migrated), upstream (embedded emulator unless a key is set), job
 * pipeline, GraphQL over HTTP and WebSocket on one port. Everything started is stopped again if a
 * later step fails, so a failed start leaves no open handles.
 */
export async function startReelgraph(config: Config, options: StartOptions = {}): Promise<Reelgraph> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  };
  try {
    return await assemble(config, logger, cleanups, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function assemble(config: Config, logger: Logger, cleanups: (() => Promise<void>)[], cleanup: () => Promise<void>): Promise<Reelgraph> {
  const db = await openDatabase(config.database, logger);
  cleanups.push(() => db.orm.close(true));
  const localTenant = await ensureTenant(db.orm, LOCAL_TENANT_SLUG, 'Local');

  const bus = await createEventBus(config.redisUrl, logger);
  cleanups.push(() => bus.close());

  const { upstreams, emulator } = await connectUpstreams(config, logger);
  if (emulator) cleanups.push(() => emulator.close());

  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  const signer = new MediaSigner(config.mediaSigningSecret ?? persistentSecret(config.dataDir, 'media-signing.key'));
  let publicUrl = config.publicUrl ?? '';
  const mediaUrls = new MediaUrls(signer, () => publicUrl, config.mediaUrlTtlSeconds);

  const queue = new TaskQueue({ owner: `${os.hostname()}:${process.pid}:${ulid().slice(-6)}`, dialect: db.dialect });
  const worker = new Worker(db.orm, queue, { concurrency: config.jobs.concurrency, idlePollMs: config.jobs.idlePollMs, logger: logger.child({ component: 'worker' }) });
  const transitions = new VideoTransitions(queue, logger.child({ component: 'transitions' }));
  transitions.onChange((video) => {
    const event = { tenantId: video.tenantId, videoId: video.id, version: video.version, status: video.status };
    bus.pubsub.publish('video.changed', video.id, event);
    bus.pubsub.publish('tenant.videos', video.tenantId, event);
  });
  const dispatcher = new Dispatcher(upstreams, transitions, config.jobs, logger.child({ component: 'dispatcher' }));
  const reconciler = new Reconciler(upstreams, transitions, config.jobs, logger.child({ component: 'reconciler' }));
  const custody = new Custody(upstreams, storage, transitions, logger.child({ component: 'custody' }));
  worker.register(VideoTask.SUBMIT, dispatcher.handle);
  worker.register(VideoTask.POLL, reconciler.handle);
  worker.register(VideoTask.CUSTODY, custody.handle);

  const catalog = new ModelCatalog();
  const videos = new VideoService({ catalog, upstreams, queue, worker, dispatcher, transitions, storage, logger });
  const instances = new Map<Function, object>([
    [NodeResolver, new NodeResolver()],
    [VideoResolver, new VideoResolver(videos, mediaUrls)],
  ]);
  const container: ContainerType = {
    get: (cls) => {
      const instance = instances.get(cls as Function);
      if (!instance) throw new Error(`no instance registered for resolver ${(cls as Function).name}`);
      return instance;
    },
  };
  const schema = await buildReelgraphSchema(container);

  const localViewer: Viewer = { tenantId: localTenant.id, role: 'admin', local: true };
  const contextFor = (viewer: Viewer, requestId: string): RequestContext => {
    const em = forkForTenant(db.orm, viewer.tenantId);
    return { viewer, em, loaders: createLoaders(em), requestId, warnings: [] };
  };

  const server: RunningHttpServer = await startHttpServer({
    schema,
    logger,
    port: config.port,
    host: config.host,
    context: async (_req, requestId) => contextFor(localViewer, requestId),
    routes: [
      healthRoutes([
        { name: 'database', check: async () => void (await db.orm.em.getConnection().execute('select 1', [], 'all')) },
        { name: 'upstream', check: () => upstreams.default.ping() },
      ]),
      mediaRoutes(storage, signer),
    ],
  });
  cleanups.push(() => server.stop());
  publicUrl = config.publicUrl ?? server.origin;

  if (config.jobs.enabled) {
    worker.start();
    cleanups.push(() => worker.stop());
  }
  logger.info(
    { url: `${server.origin}/graphql`, database: db.dialect, events: bus.kind, upstream: emulator ? `embedded emulator at ${emulator.origin}` : upstreams.default.name },
    'Reelgraph is ready',
  );
  let stopped: Promise<void> | undefined;
  return {
    config,
    logger,
    origin: server.origin,
    publicUrl,
    db,
    bus,
    upstreams,
    worker,
    emulator,
    localTenant,
    stop: () => (stopped ??= cleanup()),
  };
}

/** The configured upstream, or the embedded emulator on a loopback port when no key is set. */
async function connectUpstreams(config: Config, logger: Logger): Promise<{ upstreams: Upstreams; emulator?: Emulator }> {
  if (config.upstream.mode === 'remote') {
    const client = new UpstreamClient({ name: 'default', baseURL: config.upstream.baseURL, apiKey: config.upstream.apiKey });
    return { upstreams: new Upstreams([client], 'default') };
  }
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    dataDir: path.join(config.dataDir, 'emulator'),
    cachedRender: config.emulator.cachedRender,
    strictContract: config.emulator.strictContract,
    assetTtlSeconds: config.emulator.assetTtlSeconds,
    logger: logger.child({ component: 'emulator' }),
  });
  const client = new UpstreamClient({ name: 'embedded', baseURL: emulator.baseURL, apiKey: 'reelgraph-embedded' });
  return { upstreams: new Upstreams([client], 'embedded'), emulator };
}
