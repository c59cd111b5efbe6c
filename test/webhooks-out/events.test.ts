import { CancelBatchDocument, CreateStoryboardDocument, CreateVideoDocument, CreateWebhookEndpointDocument, SubmitBatchDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { FAST_WEBHOOKS_ENV, verified } from './helpers';
import { type Received, Receiver } from './receiver';

/** Every event type reaches a subscribed endpoint, with the object in the schema's shape. */
describe.each(databaseKinds())('outbound webhook events (%s)', (db) => {
  let server: TestServer;
  let receiver: Receiver;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer({ db, env: { ...FAST_WEBHOOKS_ENV, JOBS_CONCURRENCY: '8' } });
    receiver = await Receiver.start();
    const events = ['VIDEO_COMPLETED', 'VIDEO_FAILED', 'VIDEO_CANCELLED', 'BATCH_COMPLETED', 'STORYBOARD_COMPLETED'] as const;
    secret = (await server.gql.data(CreateWebhookEndpointDocument, { input: { url: receiver.url('/all'), events: [...events], description: 'everything' } })).createWebhookEndpoint.secret;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });
  afterEach(() => server.app.emulator!.faults.clear());

  /** Waits for the message about `objectId` of `type`. */
  async function message(type: string, objectId: string): Promise<ReturnType<typeof verified>> {
    const matches = (r: Received) => {
      const m = verified(secret, r);
      return m.type === type && m.data.object.id === objectId;
    };
    for (let seen = 1; ; seen++) {
      const all = await receiver.waitFor(seen, '/all');
      const found = all.find(matches);
      if (found) return verified(secret, found);
    }
  }

  it('video.failed carries the error as the schema names it', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'EMULATOR_FAIL_INTERNAL please', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    const failed = await message('video.failed', createVideo.video.id);
    expect(failed.data.object).toMatchObject({ status: 'FAILED', error: { code: expect.any(String), message: expect.any(String), retryable: expect.any(Boolean) } });
  });

  it('batch.completed for a finished batch, video.cancelled for items of a cancelled one', async () => {
    const items = [1, 2].map((i) => ({ customId: `w-${i}`, prompt: `webhook batch ${i}`, size: '1280x720' }));
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { items, metadata: { run: 'hooks' } } });
    const completed = await message('batch.completed', submitBatch.batch.id);
    expect(completed.data.object).toMatchObject({ status: 'COMPLETED', mode: 'IMMEDIATE', metadata: { run: 'hooks' }, completedAt: expect.any(String) });

    // A slow upstream so that most items are still PENDING when the cancel lands.
    server.app.emulator!.faults.set({ latencyMs: 300 });
    const many = Array.from({ length: 12 }, (_, i) => ({ customId: `x-${i}`, prompt: `cancelled by webhook test ${i}`, size: '1280x720' }));
    const { submitBatch: doomed } = await server.gql.data(SubmitBatchDocument, { input: { items: many } });
    await server.gql.data(CancelBatchDocument, { input: { batchId: doomed.batch.id } });
    for (let seen = 1; ; seen++) {
      const all = (await receiver.waitFor(seen, '/all')).map((r) => verified(secret, r));
      const cancelled = all.find((m) => m.type === 'video.cancelled');
      if (cancelled) {
        expect(cancelled.data.object).toMatchObject({ status: 'CANCELLED', prompt: expect.stringMatching(/^cancelled by webhook test/) });
        break;
      }
    }
  });

  it('storyboard.completed names the final clip', async () => {
    const scenes = [
      { prompt: 'hooked scene 1', seconds: 4 },
      { prompt: 'hooked scene 2', seconds: 4 },
    ];
    const { createStoryboard } = await server.gql.data(CreateStoryboardDocument, { input: { scenes, size: '1280x720' } });
    const done = await message('storyboard.completed', createStoryboard.storyboard.id);
    expect(done.data.object).toMatchObject({ status: 'COMPLETED', totalSeconds: 8, currentScene: 2, finalVideo: { id: expect.any(String) } });
    const finalId = (done.data.object.finalVideo as { id: string }).id;
    // The final clip's own video.completed came too, for the same video id.
    expect((await message('video.completed', finalId)).data.object.status).toBe('COMPLETED');
  });
});
