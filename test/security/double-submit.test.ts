import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UpstreamClient } from '../../src/upstream/client';
import { CreateVideoDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { spawnServer } from '../support/process';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';

const PROMPTS = ['first of three', 'second of three', 'third of three'];

/**
 * The window between the upstream accepting a create and Reelgraph committing its upstream id: a
 * process that dies there must not cause a second (billed, invisible) upstream job on recovery.
 * Both kinds of upstream: one that honours `Idempotency-Key` (the resend gets the same job back)
 * and one that ignores it (recovery must find the job among the upstream's recent ones).
 */
describe.each(databaseKinds())('no double submission after a crash before the commit (%s)', (db) => {
  it.each([
    ['honours', true],
    ['ignores', false],
  ])('an upstream that %s Idempotency-Key gets each create exactly once', async (_mode, idempotency) => {
    const upstream: StandaloneEmulator = await standaloneEmulator({ cachedRender: true, idempotency });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-double-'));
    const database: ScratchDatabase | undefined = db === 'postgresql' ? await createScratchPostgres() : undefined;
    const tag = `${db} ${idempotency ? 'honoured' : 'ignored'}`;
    const prompts = PROMPTS.map((p) => `${p} (${tag})`);
    const creates = () => upstream.emulator.record.entries().filter((e) => e.kind === 'create' && prompts.includes(e.prompt ?? ''));
    try {
      const env = { ...upstream.env, DATA_DIR: dataDir, JOBS_IDLE_POLL_MS: '200', ...(database ? { DATABASE_URL: database.url } : {}) };
      const first = await spawnServer(env);
      // The upstream accepts the three creates and records them, but their responses never reach Reelgraph.
      upstream.emulator.faults.set({ holdResponse: { remaining: 3, ms: 120_000, match: 'POST /videos$' } });
      const inFlight = prompts.map((prompt) => first.gql.request(CreateVideoDocument, { input: { prompt, size: '1280x720' } }).catch(() => 'lost'));
      await eventually(() => creates().length === 3, { what: 'the upstream to accept all three creates' });
      // Frozen right after the upstream accepted, then killed: nothing after the create ran.
      first.kill('SIGSTOP');
      first.kill('SIGKILL');
      await first.exited;
      expect(await Promise.all(inFlight)).toEqual(['lost', 'lost', 'lost']);
      upstream.emulator.faults.clear();

      const second = await spawnServer(env);
      try {
        const { videos } = await second.gql.data<{ videos: { nodes: { id: string; prompt: string; status: string }[] } }, Record<string, never>>(
          '{ videos(first: 10) { nodes { id prompt status } } }',
        );
        // Positive control: the rows were committed as PENDING before the upstream call.
        expect(videos.nodes.map((v) => v.prompt).sort()).toEqual([...prompts].sort());
        for (const video of videos.nodes) await waitForVideo(second.gql, video.id, 'COMPLETED', 40_000);
        const sent = creates();
        expect(sent.map((e) => e.prompt).sort()).toEqual([...prompts].sort());
        expect(new Set(sent.map((e) => e.id)).size).toBe(3);
        expect((await second.gql.request('{ __typename }')).status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await upstream.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('SDK retries of a create whose response timed out', () => {
  let upstream: StandaloneEmulator;
  beforeAll(async () => {
    upstream = await standaloneEmulator({ cachedRender: true });
  });
  afterAll(async () => upstream?.close());

  it('reuse the idempotency key, so the retry gets the first job back instead of a second one', async () => {
    const client = new UpstreamClient({ name: 'default', baseURL: upstream.emulator.baseURL, apiKey: 'sk-test', maxRetries: 2, timeoutMs: 500 });
    const prompt = 'a create whose first response is too slow';
    upstream.emulator.faults.set({ holdResponse: { remaining: 1, ms: 3000, match: 'POST /videos$' } });
    const video = await client.create({ prompt, model: 'sora-2', size: '1280x720', seconds: 4 }, 'video-01TESTKEY');
    const entries = upstream.emulator.record.entries().filter((e) => e.prompt === prompt);
    // The held attempt did reach the upstream (the retry was needed), and only it created a job.
    expect(upstream.emulator.faults.get().holdResponse?.remaining).toBe(0);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'create', id: video.id, idempotencyKey: 'video-01TESTKEY' });
  });
});
