import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { CreateVideoDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

/** No job hangs forever: one the upstream never finishes fails with a retryable UPSTREAM_TIMEOUT. */
describe('per-job ceiling', () => {
  let upstream: StandaloneEmulator;
  let server: TestServer;
  beforeAll(async () => {
    // Jobs stay queued upstream for a minute: far beyond the ceiling below.
    upstream = await standaloneEmulator({ timing: { queuedMs: 60_000 } });
    server = await startTestServer({ env: { ...upstream.env, JOB_MAX_AGE_SECONDS: '2' } });
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('fails a stuck job with UPSTREAM_TIMEOUT, marked retryable', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A clock that never strikes', size: '1280x720' } });
    const video = await waitForVideo(server.gql, createVideo.video.id, 'FAILED', 20_000);
    expect(video.error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
    expect(video.error?.message).toMatch(/did not finish this job within 2 seconds/);
  });
});
