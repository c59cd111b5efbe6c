import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Emulator, startEmulator } from '../../src/emulator';
import { CreateVideoDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

/** No job hangs forever: one the upstream never finishes fails with a retryable UPSTREAM_TIMEOUT. */
describe('per-job ceiling', () => {
  let emulator: Emulator;
  let emulatorDir: string;
  let server: TestServer;
  beforeAll(async () => {
    emulatorDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-emu-'));
    // Jobs stay queued upstream for a minute: far beyond the ceiling below.
    emulator = await startEmulator({ port: 0, dataDir: emulatorDir, timing: { queuedMs: 60_000 } });
    server = await startTestServer({ env: { OPENAI_API_KEY: 'sk-ceiling', OPENAI_BASE_URL: emulator.baseURL, JOB_MAX_AGE_SECONDS: '2' } });
  });
  afterAll(async () => {
    await server?.close();
    await emulator?.close();
    rmSync(emulatorDir, { recursive: true, force: true });
  });

  it('fails a stuck job with UPSTREAM_TIMEOUT, marked retryable', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A clock that never strikes', size: '1280x720' } });
    const video = await waitForVideo(server.gql, createVideo.video.id, 'FAILED', 20_000);
    expect(video.error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
    expect(video.error?.message).toMatch(/did not finish this job within 2 seconds/);
  });
});
