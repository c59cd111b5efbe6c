import type { Config } from '../config';
import { BatchLive } from '../modules/batches/batch.live';
import { BatchResolver, VideoBatchResolver } from '../modules/batches/batch.resolver';
import { BatchRunner } from '../modules/batches/batch.runner';
import { BatchTask, BatchService } from '../modules/batches/batch.service';
import { Batch } from '../modules/batches/batch.entity';
import type { WebhookService } from '../modules/webhooks/webhook.service';
import type { ApiKeyService } from '../modules/tenants/api-key.service';
import { TenantJobLimits } from '../modules/tenants/job-limits';
import { TenantResolver } from '../modules/tenants/tenant.resolver';
import type { Database } from '../db/orm';
import type { EventBus } from '../events/event-bus';
import type { RequestContext } from '../graphql/context';
import type { Logger } from '../logger';
import { CharacterResolver, VideoCharactersResolver } from '../modules/characters/character.resolver';
import { CharacterService } from '../modules/characters/character.service';
import { EventResolver } from '../modules/events/event.resolver';
import { ExtensionResolver, VideoExtensionsResolver } from '../modules/extensions/extension.resolver';
import { ExtensionService } from '../modules/extensions/extension.service';
import { BillingResolver, VideoCostResolver } from '../modules/billing/billing.resolver';
import { BillingService } from '../modules/billing/billing.service';
import { BudgetService } from '../modules/billing/budget.service';
import { Guardrails } from '../modules/guardrails/guardrails';
import { Moderation } from '../modules/guardrails/moderation';
import { ContentPolicy } from '../modules/guardrails/policy';
import type { ModelCatalog } from '../modules/models/catalog';
import { ModelRouter } from '../modules/models/model-router';
import { ModelPinChangeResolver, ModelResolver } from '../modules/models/model.resolver';
import { PinService } from '../modules/models/pin.service';
import { NodeResolver } from '../modules/node/node.resolver';
import { StoryboardLive } from '../modules/storyboards/storyboard.live';
import { StoryboardResolver, StoryboardSceneResolver, VideoStoryboardResolver } from '../modules/storyboards/storyboard.resolver';
import { STORYBOARD_ADVANCE_TASK, StoryboardService } from '../modules/storyboards/storyboard.service';
import { UPLOAD_EXPIRE_TASK, UploadService } from '../modules/uploads/upload.service';
import { VideoLifecycleResolver } from '../modules/videos/video.lifecycle.resolver';
import { VideoResolver } from '../modules/videos/video.resolver';
import { VideoRetries } from '../modules/videos/video.retry';
import { VideoService } from '../modules/videos/video.service';
import type { LocalStorage } from '../storage/local-storage';
import type { MediaUrls } from '../storage/media-urls';
import type { Upstreams } from '../upstream/upstreams';
import type { Pipeline } from './pipeline';
import { ReferenceFetcher } from '../modules/uploads/reference-url';
import { buildOutboundWebhooks } from '../modules/webhook-endpoints/webhook-endpoints.module';
import type { WebhookEndpointService } from '../modules/webhook-endpoints/webhook-endpoint.service';

/** The feature services and the resolver instances that expose them. */
export interface Services {
  router: ModelRouter;
  budgets: BudgetService;
  uploads: UploadService;
  videos: VideoService;
  characters: CharacterService;
  extensions: ExtensionService;
  storyboards: StoryboardService;
  storyboardLive: StoryboardLive;
  batches: BatchService;
  batchLive: BatchLive;
  webhookEndpoints: WebhookEndpointService;
  resolvers: object[];
}

/** Inputs of {@link buildServices}. */
export interface ServiceInputs {
  config: Config;
  catalog: ModelCatalog;
  db: Database;
  bus: EventBus;
  upstreams: Upstreams;
  storage: LocalStorage;
  mediaUrls: MediaUrls;
  pipeline: Pipeline;
  /** A context acting for a tenant in background work (storyboards advance as their tenant). */
  systemContext: (tenantId: string) => RequestContext;
  webhooks: WebhookService;
  apiKeys: ApiKeyService;
  logger: Logger;
}

/**
 * Builds each feature's service, registers the background tasks and transition hooks features
 * own, and constructs the resolvers with their services.
 */
export function buildServices(inputs: ServiceInputs): Services {
  const { config, db, bus, upstreams, storage, mediaUrls, pipeline, logger } = inputs;
  const { queue, worker, transitions, dispatcher } = pipeline;
  const { catalog } = inputs;
  const router = new ModelRouter(catalog, new PinService(catalog, { ...catalog.configPins(), ...config.models.pins }));
  const policy = ContentPolicy.load(config.guardrails.policyFile);
  const guardrails = new Guardrails(policy, config.guardrails.moderation ? new Moderation(config.guardrails.moderation) : undefined);
  const budgets = new BudgetService();
  transitions.addHook(budgets.onVideoTransition);
  const jobLimits = new TenantJobLimits(config.security.maxActiveJobsPerTenant);
  const uploads = new UploadService(db.orm, storage, queue, config.uploads);
  const characters = new CharacterService(upstreams, router, guardrails, uploads, storage);
  const outbound = buildOutboundWebhooks(config.outboundWebhooks, pipeline, logger);
  const references = new ReferenceFetcher(uploads, { allowPrivate: config.outboundWebhooks.allowPrivate, timeoutMs: config.outboundWebhooks.referenceTimeoutMs });
  const checkWebhookTarget = outbound.service.checkTarget.bind(outbound.service);
  const videos = new VideoService({ router, guardrails, budgets, jobLimits, characters, uploads, upstreams, queue, worker, dispatcher, transitions, storage, logger, checkWebhookTarget, references });
  const extensions = new ExtensionService(videos, router, guardrails);
  const storyboards = new StoryboardService({
    videos,
    extensions,
    characters,
    router,
    guardrails,
    budgets,
    queue,
    pubsub: bus.pubsub,
    systemContext: inputs.systemContext,
    logger: logger.child({ component: 'storyboards' }),
    onFinished: outbound.outbox.onStoryboardFinished,
  });

  const batches = new BatchService({ router, guardrails, budgets, upstreams, uploads, storage, queue, worker, pubsub: bus.pubsub });
  const batchRunner = new BatchRunner(batches, dispatcher, transitions, queue, storage, { concurrency: config.jobs.batchConcurrency, jobLimits, onFinished: outbound.outbox.onBatchFinished }, logger.child({ component: 'batches' }));
  worker.register(BatchTask.DISPATCH, batchRunner.dispatch);
  worker.register(BatchTask.POLL, batchRunner.poll);
  worker.register(BatchTask.REFRESH, batchRunner.refresh);
  transitions.addHook(batchRunner.onVideoTransition);
  // `batch.*` webhooks: look at the upstream batch now.
  inputs.webhooks.route('batch', async (em, upstreamBatchId) => {
    const batch = await em.findOne(Batch, { upstreamBatchId }, { fields: ['id', 'tenantId'] });
    return batch ? { kind: BatchTask.POLL, subjectId: batch.id, tenantId: batch.tenantId } : undefined;
  });

  worker.register(UPLOAD_EXPIRE_TASK, uploads.expire);
  worker.register(STORYBOARD_ADVANCE_TASK, storyboards.advance);
  transitions.addHook(storyboards.onVideoTransition);
  // A scene video's progress is the storyboard's progress: tell storyboard subscribers.
  transitions.onChange((video) => {
    if (video.storyboardId) storyboards.publish({ id: video.storyboardId, tenantId: video.tenantId });
  });

  const resolvers = [
    new NodeResolver(),
    new VideoResolver(videos, mediaUrls),
    new VideoLifecycleResolver(videos, new VideoRetries(videos, extensions)),
    new EventResolver(),
    new CharacterResolver(characters, mediaUrls),
    new VideoCharactersResolver(),
    new ExtensionResolver(extensions),
    new VideoExtensionsResolver(),
    new StoryboardResolver(storyboards),
    new StoryboardSceneResolver(),
    new VideoStoryboardResolver(),
    new BatchResolver(batches, mediaUrls),
    new VideoBatchResolver(),
    new ModelResolver(router),
    new ModelPinChangeResolver(),
    new BillingResolver(new BillingService(router), budgets),
    new VideoCostResolver(),
    new TenantResolver(inputs.apiKeys),
    ...outbound.resolvers,
  ];
  logger.info({ models: catalog.models().map((m) => m.id), policyRules: policy.size, moderation: Boolean(config.guardrails.moderation) }, 'catalog and guardrails loaded');
  return {
    router,
    budgets,
    uploads,
    videos,
    characters,
    extensions,
    storyboards,
    storyboardLive: new StoryboardLive(bus.pubsub),
    batches,
    batchLive: new BatchLive(bus.pubsub),
    webhookEndpoints: outbound.service,
    resolvers,
  };
}
