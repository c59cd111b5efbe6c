import os from 'node:os';
import type { Config } from '../config';
import type { Database } from '../db/orm';
import { forkForWorkers } from '../db/tenant-scoped';
import type { EventBus } from '../events/event-bus';
import { ulid } from '../ids';
import { Custody } from '../jobs/custody';
import { Dispatcher } from '../jobs/dispatcher';
import { LeaseKeeper } from '../jobs/lease-keeper';
import { Reconciler } from '../jobs/reconciler';
import { TaskQueue } from '../jobs/task-queue';
import { Worker } from '../jobs/worker';
import type { Logger } from '../logger';
import { EventLog } from '../modules/events/event-log';
import { extensionSubmitter } from '../modules/extensions/extension.service';
import { VideoLive, Watchers } from '../modules/videos/video.live';
import { toSnapshot } from '../modules/videos/video.snapshot';
import { VideoTask } from '../modules/videos/video.state';
import { videoSubmitters } from '../modules/videos/video.submitters';
import { VideoTransitions } from '../modules/videos/video.transitions';
import type { LocalStorage } from '../storage/local-storage';
import type { Upstreams } from '../upstream/upstreams';

/** The job pipeline: durable queue, worker, the transition function and its listeners. */
export interface Pipeline {
  queue: TaskQueue;
  worker: Worker;
  transitions: VideoTransitions;
  dispatcher: Dispatcher;
  reconciler: Reconciler;
  eventLog: EventLog;
  live: VideoLive;
  /** Heartbeat of this process's task leases; stopped after the worker and the HTTP drain. */
  leases: LeaseKeeper;
}

/**
 * Wires the pipeline. Every committed transition is appended to the event log (same
 * transaction) and then published: the new state to the video's and the tenant's topics, and
 * a "look again" to event-log streams.
 */
export function buildPipeline(config: Config, db: Database, bus: EventBus, upstreams: Upstreams, storage: LocalStorage, logger: Logger): Pipeline {
  const queue = new TaskQueue({ owner: `${os.hostname()}:${process.pid}:${ulid().slice(-6)}`, dialect: db.dialect, leaseMs: config.jobs.leaseMs });
  const leases = new LeaseKeeper(db.orm, queue, { heartbeatMs: config.jobs.heartbeatMs, logger: logger.child({ component: 'leases' }) });
  leases.start();
  const worker = new Worker(db.orm, queue, { concurrency: config.jobs.concurrency, idlePollMs: config.jobs.idlePollMs, logger: logger.child({ component: 'worker' }) });
  const transitions = new VideoTransitions(queue, logger.child({ component: 'transitions' }));
  const eventLog = new EventLog(bus.pubsub, db.dialect);
  transitions.addHook(eventLog.recordVideo);
  transitions.onChange((video, effects) => {
    const event = { tenantId: video.tenantId, videoId: video.id, version: video.version, status: video.status, snapshot: toSnapshot(video) };
    bus.pubsub.publish('video.changed', video.id, event);
    bus.pubsub.publish('tenant.videos', video.tenantId, event);
    if (effects.eventSeq !== undefined) eventLog.announce(video.tenantId, effects.eventSeq);
  });

  const dispatcher = new Dispatcher(transitions, upstreams, config.jobs, logger.child({ component: 'dispatcher' }));
  for (const [operation, submitter] of [...videoSubmitters(upstreams, storage), extensionSubmitter(upstreams)]) dispatcher.registerSubmitter(operation, submitter);
  const reconciler = new Reconciler(upstreams, transitions, config.jobs, logger.child({ component: 'reconciler' }));
  const custody = new Custody(upstreams, storage, transitions, logger.child({ component: 'custody' }));
  worker.register(VideoTask.SUBMIT, dispatcher.handle);
  worker.register(VideoTask.POLL, reconciler.handle);
  worker.register(VideoTask.CUSTODY, custody.handle);

  const watchers = new Watchers();
  reconciler.setWatchProbe((videoId) => watchers.has(videoId));
  // Someone started watching an unfinished job: check it now rather than at its next poll.
  const live = new VideoLive(bus.pubsub, watchers, async (video) => {
    if (!video.upstreamId || video.upstreamStatus === 'completed') return;
    await queue.schedule(forkForWorkers(db.orm), { kind: VideoTask.POLL, subjectId: video.id, tenantId: video.tenantId });
    worker.kick();
  });
  return { queue, worker, transitions, dispatcher, reconciler, eventLog, live, leases };
}
