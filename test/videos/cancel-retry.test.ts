import { existsSync } from 'node:fs';
import path from 'node:path';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { generateWebhookSecret, type Emulator } from '../../src/emulator';
import { fromGlobalId } from '../../src/graphql/relay';
import { Task } from '../../src/jobs/task.entity';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoTask } from '../../src/modules/videos/video.state';
import {
  BatchVideosDocument,
  CancelVideoDocument,
  CreateCharacterDocument,
  CreateStoryboardDocument,
  CreateVideoDocument,
  CreateVideoWithAssetsDocument,
  GetBatchDocument,
  GetBudgetDocument,
  GetStoryboardDocument,
  GetVideoLifecycleDocument,
  ListEventsDocument,
  ListVideosDocument,
  RetryVideoDocument,
  SetBudgetDocument,
  SubmitBatchDocument,
  VideoUpdatedDocument,
} from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { makeClip, makeImage, uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

const rawId = (globalId: string): string => fromGlobalId(globalId)!.id;

/** The stored row, read around the API (what the upstream got, what custody stored). */
async function row(server: TestServer, globalId: string): Promise<Video> {
  return forkForWorkers(server.app.db.orm).findOneOrFail(Video, { id: rawId(globalId) });
}

/** Whether any asset of the video is in Reelgraph's storage. */
function hasStoredAssets(server: TestServer, video: Video): boolean {
  return existsSync(path.join(server.dataDir, 'media', video.tenantId, video.id));
}

/** Statuses of the video's event-log entries, oldest first. */
async function eventStatuses(server: TestServer, globalId: string): Promise<string[]> {
  const { events } = await server.gql.data(ListEventsDocument, { first: 100, subjectId: globalId });
  return events.edges.map((e) => e.node.status);
}

/** Resolves once the emulator no longer has the job (Reelgraph deleted its copy). */
async function upstreamDeleted(emulator: Emulator, upstreamId: string): Promise<void> {
  await eventually(async () => (await fetch(`${emulator.baseURL}/videos/${upstreamId}`, { headers: { authorization: 'Bearer any' } })).status === 404, {
    what: `upstream video ${upstreamId} to be deleted`,
  });
}

const committed = async (server: TestServer): Promise<number> => (await server.gql.data(GetBudgetDocument)).budget!.committed;

/**
 * cancelVideo in every state. The emulator runs outside the server with slow phases (1.5 s
 * queued, 3 s rendering), so a job is reliably QUEUED right after submission and IN_PROGRESS for
 * a while after, and it delivers signed webhooks to the server as a real upstream would.
 */
describe.each(databaseKinds())('cancelVideo (%s)', (db) => {
  let upstream: StandaloneEmulator;
  let emulator: Emulator;
  let server: TestServer;

  beforeAll(async () => {
    upstream = await standaloneEmulator({ timing: { queuedMs: 1500, minRenderMs: 3000 }, cachedRender: true });
    emulator = upstream.emulator;
    const secret = generateWebhookSecret();
    server = await startTestServer({ db, env: { ...upstream.env, OPENAI_WEBHOOK_SECRET: secret } });
    emulator.setWebhook({ url: `${server.app.origin}/webhooks/openai`, secret });
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: 1000 } });
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });
  afterEach(() => emulator.faults.clear());

  const create = async (prompt: string) => (await server.gql.data(CreateVideoDocument, { input: { prompt: `${prompt} (${db})`, size: '1280x720', seconds: 4 } })).createVideo.video;
  const creates = (prompt: string) => emulator.record.entries().filter((e) => e.kind === 'create' && e.prompt === `${prompt} (${db})`);

  it('PENDING: CANCELLED at once, the submit task never sends it, and its budget reservation is released', async () => {
    // No worker runs while the jobs are created: each inline attempt fails (the SDK's three
    // requests), so both wait PENDING with a retry planned and no submission on its way.
    await server.app.worker.stop();
    emulator.faults.set({ serverError: { remaining: 6, match: 'POST /videos$' } });
    const held = await create('Held then cancelled');
    const control = await create('Held then sent');
    expect([held.status, control.status]).toEqual(['PENDING', 'PENDING']);
    expect(emulator.faults.get().serverError?.remaining).toBe(0);
    const before = await committed(server);

    const { cancelVideo } = await server.gql.data(CancelVideoDocument, { input: { videoId: held.id } });
    expect(cancelVideo.video).toMatchObject({ id: held.id, status: 'CANCELLED', cost: 0, estimatedCost: 0.4 });
    expect(cancelVideo.video.completedAt).not.toBeNull();
    expect(await committed(server)).toBeCloseTo(before - 0.4, 6);

    server.app.worker.start();
    // The control's retry goes through (the retries work), and the cancelled job's submit task has run and found nothing to send.
    await eventually(async () => Boolean((await row(server, control.id)).upstreamId), { what: 'the control to be submitted' });
    await eventually(async () => (await forkForWorkers(server.app.db.orm).count(Task, { subjectId: rawId(held.id), kind: VideoTask.SUBMIT })) === 0, {
      what: 'the cancelled job\'s submit task to finish',
    });
    expect(creates('Held then sent')).toHaveLength(1);
    expect(creates('Held then cancelled')).toHaveLength(0);
    const stored = await row(server, held.id);
    expect(stored).toMatchObject({ status: 'CANCELLED', upstreamId: null, cancelledAfterSubmit: false });
    expect(await eventStatuses(server, held.id)).toEqual(['PENDING', 'CANCELLED']);
  });

  it.each(['QUEUED', 'IN_PROGRESS'] as const)('%s: CANCELLED at once; the finished render changes nothing, stores no asset, and stays charged', async (state) => {
    const client = wsClient(server.wsUrl);
    try {
      const control = await create(`Rendered to the end from ${state}`);
      const video = await create(`Cancelled while ${state}`);
      if (state === 'IN_PROGRESS') await eventually(async () => (await row(server, video.id)).status === 'IN_PROGRESS', { what: 'the job to be rendering' });
      expect((await row(server, video.id)).status).toBe(state);
      const sub = subscribe(client, VideoUpdatedDocument, { id: video.id });
      await sub.until((v) => v.videoUpdated.status === state);
      const before = await committed(server);

      const { cancelVideo } = await server.gql.data(CancelVideoDocument, { input: { videoId: video.id } });
      expect(cancelVideo.video).toMatchObject({ status: 'CANCELLED', estimatedCost: 0.4, cost: 0.4 });
      await sub.done;
      expect(sub.values.at(-1)?.videoUpdated.status).toBe('CANCELLED');
      expect(await committed(server)).toBeCloseTo(before, 6);
      const cancelled = await row(server, video.id);
      expect(cancelled.cancelledAfterSubmit).toBe(true);

      // The upstream finishes the render; its webhook makes Reelgraph delete the upstream copy and nothing else.
      const [{ id: upstreamId }] = creates(`Cancelled while ${state}`);
      await upstreamDeleted(emulator, upstreamId);
      await waitForVideo(server.gql, control.id);
      expect(hasStoredAssets(server, await row(server, control.id))).toBe(true);
      const after = await row(server, video.id);
      expect(after).toMatchObject({ status: 'CANCELLED', version: cancelled.version, videoKey: null });
      expect(hasStoredAssets(server, after)).toBe(false);
      const { video: shown } = await server.gql.data(GetVideoLifecycleDocument, { id: video.id });
      expect(shown).toMatchObject({ status: 'CANCELLED', downloadUrl: null, cost: 0.4, estimatedCompletionAt: null });
      expect((await eventStatuses(server, video.id)).at(-1)).toBe('CANCELLED');
    } finally {
      await client.dispose();
    }
  });

  it('a submission already on its way when the cancel lands: stays CANCELLED, is recorded as charged, and its upstream copy is deleted', async () => {
    emulator.faults.set({ latencyMs: 1500 });
    const prompt = `Cancelled in flight (${db})`;
    const creating = server.gql.data(CreateVideoDocument, { input: { prompt, size: '1280x720', seconds: 4 } });
    const pending = await eventually(async () => {
      const { videos } = await server.gql.data(ListVideosDocument, { first: 20, filter: { status: ['PENDING'] } });
      return videos.edges.find((e) => e.node.prompt === prompt)?.node;
    });
    const before = await committed(server);
    const { cancelVideo } = await server.gql.data(CancelVideoDocument, { input: { videoId: pending.id } });
    expect(cancelVideo.video).toMatchObject({ status: 'CANCELLED', cost: 0 });
    expect(await committed(server)).toBeCloseTo(before - 0.4, 6);

    // The upstream accepted it anyway: the mutation answers with the cancelled job, now charged.
    expect((await creating).createVideo.video).toMatchObject({ id: pending.id, status: 'CANCELLED' });
    emulator.faults.clear();
    expect(creates('Cancelled in flight')).toHaveLength(1);
    const stored = await row(server, pending.id);
    expect(stored).toMatchObject({ status: 'CANCELLED', cancelledAfterSubmit: true, upstreamId: creates('Cancelled in flight')[0].id });
    expect((await server.gql.data(GetVideoLifecycleDocument, { id: pending.id })).video).toMatchObject({ status: 'CANCELLED', cost: 0.4 });
    expect(await committed(server)).toBeCloseTo(before, 6);
    await upstreamDeleted(emulator, stored.upstreamId!);
    expect(hasStoredAssets(server, await row(server, pending.id))).toBe(false);
  });

  it('a finished video is a CONFLICT naming its state, and nothing changes', async () => {
    const completed = await create('Finished first');
    const failed = await create('EMULATOR_FAIL_INTERNAL finishes failed');
    await waitForVideo(server.gql, completed.id);
    await waitForVideo(server.gql, failed.id, 'FAILED');
    const cancelled = await create('Cancelled twice');
    await server.gql.data(CancelVideoDocument, { input: { videoId: cancelled.id } });
    for (const [video, status] of [[completed, 'COMPLETED'], [failed, 'FAILED'], [cancelled, 'CANCELLED']] as const) {
      const version = (await row(server, video.id)).version;
      const error = await server.gql.error(CancelVideoDocument, { input: { videoId: video.id } });
      expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.videoId', status });
      expect(error.message).toContain(`is already ${status}`);
      expect((await row(server, video.id)).version).toBe(version);
    }
  });
});

/** retryVideo, and the batches and storyboards a cancelled video belongs to (embedded emulator). */
describe.each(databaseKinds())('retryVideo, batches and storyboards (%s)', (db) => {
  let server: TestServer;
  let emulator: Emulator;

  beforeAll(async () => {
    // One submission attempt, so a submission fault fails the job at once.
    server = await startTestServer({ db, env: { JOB_SUBMIT_ATTEMPTS: '1', EMULATOR_CACHED_RENDER: 'true' } });
    emulator = server.app.emulator!;
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => emulator.faults.clear());

  /** A video that FAILED because the upstream was down when it was submitted. */
  async function failedVideo(input: { prompt: string; characterIds?: string[]; inputReferenceUploadId?: string }) {
    emulator.faults.set({ serverError: { remaining: 3, match: 'POST /videos$' } });
    const { createVideo } = await server.gql.data(CreateVideoWithAssetsDocument, { input: { size: '1280x720', seconds: 4, ...input, prompt: `${input.prompt} (${db})` } });
    emulator.faults.clear();
    return waitForVideo(server.gql, createVideo.video.id, 'FAILED');
  }

  it('submits a FAILED video\'s request again as a new video linked to the original, which keeps its error; it completes', async () => {
    const clip = await uploadFile(server.app.origin, await makeClip(1280, 720, 2, 'Mossy'), 'mossy.mp4');
    const { createCharacter } = await server.gql.data(CreateCharacterDocument, { input: { name: 'Mossy', uploadId: clip.body.id } });
    const image = await uploadFile(server.app.origin, await makeImage(1280, 720), 'first.png');
    const original = await failedVideo({ prompt: 'Mossy waves', characterIds: [createCharacter.character.id], inputReferenceUploadId: image.body.id });
    expect(original.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });

    const before = emulator.record.count('create');
    const { retryVideo } = await server.gql.data(RetryVideoDocument, { input: { videoId: original.id } });
    expect(retryVideo.video.id).not.toBe(original.id);
    expect(retryVideo.video).toMatchObject({ status: 'QUEUED', prompt: original.prompt, model: 'sora-2', size: '1280x720', seconds: 4, retryOf: { id: original.id, status: 'FAILED' } });
    expect(emulator.record.count('create')).toBe(before + 1);
    const done = await waitForVideo(server.gql, retryVideo.video.id);
    expect(done.error).toBeNull();

    const { video: shown } = await server.gql.data(GetVideoLifecycleDocument, { id: original.id });
    expect(shown).toMatchObject({ status: 'FAILED', error: { code: 'UPSTREAM_UNAVAILABLE' }, retries: [{ id: retryVideo.video.id, status: 'COMPLETED' }] });
    const [first, again] = [await row(server, original.id), await row(server, retryVideo.video.id)];
    expect(again.inputReference?.id).toBe(first.inputReference?.id);
    const characters = (id: string) => forkForWorkers(server.app.db.orm).getConnection().execute<{ character_id: string }[]>('select character_id from video_character where video_id = ?', [id], 'all');
    expect((await characters(again.id)).map((c) => c.character_id)).toEqual([rawId(createCharacter.character.id)]);
  });

  it('retries a non-retryable failure too, through the same guardrails and budget as createVideo', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: `EMULATOR_FAIL_RENDER policy (${db})`, size: '1280x720' } });
    const original = await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    expect(original.error).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', retryable: false });

    // No budget left: refused like a createVideo would be, and nothing is created.
    const { setBudget } = await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: 1000 } });
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: setBudget.budget!.committed } });
    const refused = await server.gql.error(RetryVideoDocument, { input: { videoId: original.id } });
    expect(refused.extensions).toMatchObject({ code: 'BUDGET_EXCEEDED', estimatedCost: 0.4 });
    expect((await server.gql.data(GetVideoLifecycleDocument, { id: original.id })).video?.retries).toEqual([]);
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: null } });

    const { retryVideo } = await server.gql.data(RetryVideoDocument, { input: { videoId: original.id } });
    expect(retryVideo.video.retryOf).toMatchObject({ id: original.id, error: { code: 'CONTENT_POLICY_VIOLATION', retryable: false } });
  });

  it('is idempotent: the same key for the same original is the same retry; for another original a CONFLICT', async () => {
    const one = await failedVideo({ prompt: 'Idempotent one' });
    const two = await failedVideo({ prompt: 'Idempotent two' });
    const key = `retry-${db}-${Date.now()}`;
    const before = emulator.record.count('create');
    const first = (await server.gql.data(RetryVideoDocument, { input: { videoId: one.id, idempotencyKey: key } })).retryVideo.video;
    const again = (await server.gql.data(RetryVideoDocument, { input: { videoId: one.id, idempotencyKey: key } })).retryVideo.video;
    expect(again.id).toBe(first.id);
    const conflict = await server.gql.error(RetryVideoDocument, { input: { videoId: two.id, idempotencyKey: key } });
    expect(conflict.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    const reused = await server.gql.error(CreateVideoDocument, { input: { prompt: 'Idempotent one', idempotencyKey: key } });
    expect(reused.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(emulator.record.count('create')).toBe(before + 1);
    expect((await server.gql.data(GetVideoLifecycleDocument, { id: two.id })).video?.retries).toEqual([]);
  });

  it('a video that did not fail is a CONFLICT naming its state; nothing is created', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: `Not failed (${db})`, size: '1280x720' } });
    const before = emulator.record.count('create');
    const running = await server.gql.error(RetryVideoDocument, { input: { videoId: createVideo.video.id } });
    expect(running.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.videoId' });
    const completed = await waitForVideo(server.gql, createVideo.video.id);
    const error = await server.gql.error(RetryVideoDocument, { input: { videoId: completed.id } });
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.videoId', status: 'COMPLETED' });
    expect(error.message).toMatch(/is COMPLETED; only a FAILED video can be retried/);
    expect(emulator.record.count('create')).toBe(before);
  });

  it('a batch with a cancelled item finishes with it counted and exported as CANCELLED', async () => {
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, {
      input: { items: ['kept', 'cancelled'].map((customId) => ({ customId, prompt: `Batch item ${customId} (${db})`, size: '1280x720', seconds: 4 })) },
    });
    const items = await eventually(async () => {
      const { batch } = await server.gql.data(BatchVideosDocument, { id: submitBatch.batch.id, first: 10 });
      const nodes = batch?.videos.nodes ?? [];
      return nodes.length === 2 && nodes.every((n) => n.status !== 'PENDING') ? nodes : undefined;
    });
    const item = items.find((n) => n.customId === 'cancelled')!;
    await server.gql.data(CancelVideoDocument, { input: { videoId: item.id } });
    const batch = await eventually(async () => {
      const { batch: current } = await server.gql.data(GetBatchDocument, { id: submitBatch.batch.id });
      return current?.status === 'COMPLETED' ? current : undefined;
    });
    expect(batch.counts).toMatchObject({ total: 2, completed: 1, cancelled: 1, pending: 0, inProgress: 0 });
    const lines = (await (await fetch(batch.resultsUrl!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { customId: string; status: string });
    expect(lines.map((l) => [l.customId, l.status]).sort()).toEqual([['cancelled', 'CANCELLED'], ['kept', 'COMPLETED']]);
  });

  it('a storyboard whose scene is cancelled stops with error CANCELLED and submits no further scene', async () => {
    const { createStoryboard } = await server.gql.data(CreateStoryboardDocument, {
      input: { size: '1280x720', scenes: [{ prompt: `Scene one (${db})`, seconds: 4 }, { prompt: `Scene two (${db})`, seconds: 4 }] },
    });
    const scene = createStoryboard.storyboard.scenes[0].video!;
    await server.gql.data(CancelVideoDocument, { input: { videoId: scene.id } });
    const storyboard = await eventually(async () => {
      const { storyboard: current } = await server.gql.data(GetStoryboardDocument, { id: createStoryboard.storyboard.id });
      return current?.status !== 'IN_PROGRESS' ? current : undefined;
    });
    expect(storyboard).toMatchObject({ status: 'FAILED', currentScene: 1, error: { code: 'CANCELLED' } });
    expect(storyboard!.error!.message).toMatch(/Scene 1 was cancelled/);
    expect(storyboard!.scenes[1].video).toBeNull();
    expect(emulator.record.entries().filter((e) => e.kind === 'extend' && e.prompt === `Scene two (${db})`)).toHaveLength(0);
  });

  // Last: creating API keys ends the local mode every test above relies on.
  it('another tenant\'s video is NOT_FOUND for both mutations, like an id that does not exist', async () => {
    const keys = server.app.internals.apiKeys;
    const alpha = server.gql.with({ authorization: `Bearer ${(await keys.create('alpha', Role.ADMIN, 'alpha')).secret}` });
    const beta = server.gql.with({ authorization: `Bearer ${(await keys.create('beta', Role.ADMIN, 'beta')).secret}` });
    emulator.faults.set({ serverError: { remaining: 3, match: 'POST /videos$' } });
    const { createVideo } = await alpha.data(CreateVideoDocument, { input: { prompt: `Alpha's (${db})`, size: '1280x720' } });
    emulator.faults.clear();
    const version = (await row(server, createVideo.video.id)).version;
    for (const error of [
      await beta.error(CancelVideoDocument, { input: { videoId: createVideo.video.id } }),
      await beta.error(RetryVideoDocument, { input: { videoId: createVideo.video.id } }),
    ]) {
      expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.videoId' });
      expect(error.message).toBe(`No Video with id '${createVideo.video.id}' exists.`);
    }
    expect((await row(server, createVideo.video.id)).version).toBe(version);
    // Positive control: its own tenant may retry it.
    expect((await alpha.data(RetryVideoDocument, { input: { videoId: createVideo.video.id } })).retryVideo.video.retryOf?.id).toBe(createVideo.video.id);
  });
});
