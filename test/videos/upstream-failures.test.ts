import { CreateVideoDocument, ListVideosDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

/** How the pipeline maps upstream refusals and outages (SQLite; the mapping does not depend on the database). */
describe('upstream failures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { JOB_SUBMIT_ATTEMPTS: '2' } });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server.app.emulator!.faults.clear());

  const rows = async () => (await server.gql.data(ListVideosDocument, { first: 100 })).videos.edges.length;

  it('create-time moderation is CONTENT_POLICY_VIOLATION with the upstream message, and writes nothing', async () => {
    const before = { rows: await rows(), upstream: server.app.emulator!.record.count() };
    const error = await server.gql.error(CreateVideoDocument, { input: { prompt: 'EMULATOR_BLOCK a scene', size: '1280x720' } });
    expect(error.extensions.code).toBe('CONTENT_POLICY_VIOLATION');
    expect(error.message).toMatch(/moderation/i);
    expect({ rows: await rows(), upstream: server.app.emulator!.record.count() }).toEqual(before);
  });

  it('render-time moderation fails the job with CONTENT_POLICY_VIOLATION (not retryable)', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'EMULATOR_FAIL_RENDER a scene', size: '1280x720' } });
    const video = await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    expect(video.error).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', retryable: false });
    expect(video.error?.message).toMatch(/moderation/i);
    expect(video.downloadUrl).toBeNull();
  });

  it('an upstream render error fails the job as retryable UPSTREAM_ERROR', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'EMULATOR_FAIL_INTERNAL a scene', size: '1280x720' } });
    const video = await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    expect(video.error).toMatchObject({ code: 'UPSTREAM_ERROR', retryable: true });
  });

  it('a 429 is retried by the SDK (honouring retry-after-ms) and the job completes, submitted once', async () => {
    server.app.emulator!.faults.set({ rateLimit: { remaining: 1, retryAfterMs: 100, match: 'POST /videos$' } });
    const before = server.app.emulator!.record.count('create');
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A rate limited river', size: '1280x720' } });
    expect(createVideo.video.status).toBe('QUEUED');
    await waitForVideo(server.gql, createVideo.video.id);
    expect(server.app.emulator!.record.count('create')).toBe(before + 1);
  });

  it('an outage longer than the SDK retries leaves the job PENDING with a retry plan, and it completes later', async () => {
    // The inline attempt makes 3 requests (SDK maxRetries 2); the worker's next attempt gets through.
    server.app.emulator!.faults.set({ serverError: { remaining: 4, match: 'POST /videos$' } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A patient glacier', size: '1280x720' } });
    expect(createVideo.video.status).toBe('PENDING');
    await waitForVideo(server.gql, createVideo.video.id);
  });

  it('a rate limit that outlasts every attempt ends FAILED with RATE_LIMITED, retryable', async () => {
    server.app.emulator!.faults.set({ rateLimit: { remaining: 1000, retryAfterMs: 20, match: 'POST /videos$' } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A crowded highway', size: '1280x720' } });
    expect(createVideo.video.status).toBe('PENDING');
    const video = await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    expect(video.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
  });
});
