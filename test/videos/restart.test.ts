import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../src/emulator';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { CreateVideoDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';
import { startTestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

/**
 * Jobs survive a restart: a PENDING job is submitted by the next process and an in-flight job is
 * reconciled. The emulator runs outside the server (as a remote upstream would), so it outlives it.
 */
describe.each(databaseKinds())('restart durability (%s)', (db) => {
  let upstream: StandaloneEmulator;
  let emulator: Emulator;
  let dataDir: string;
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-restart-'));
    database = db === 'postgresql' ? await createScratchPostgres() : undefined;
    // Slow renders, so the in-flight job is still rendering when the first process stops.
    upstream = await standaloneEmulator({ timing: { queuedMs: 1500, minRenderMs: 1500 } });
    emulator = upstream.emulator;
  });
  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('submits PENDING jobs and reconciles in-flight jobs after a restart, each exactly once upstream', async () => {
    const env = { ...upstream.env, JOBS_IDLE_POLL_MS: '100' };
    const first = await startTestServer({ db, dataDir, database, env });

    const inFlight = await first.gql.data(CreateVideoDocument, { input: { prompt: `in flight ${db}`, size: '1280x720' } });
    expect(inFlight.createVideo.video.status).toBe('QUEUED');
    // Long enough that the inline attempt and the first worker retry both fail: the job stays PENDING.
    emulator.faults.set({ serverError: { remaining: 1000, match: 'POST /videos$' } });
    const pending = await first.gql.data(CreateVideoDocument, { input: { prompt: `pending ${db}`, size: '1280x720' } });
    expect(pending.createVideo.video.status).toBe('PENDING');
    await first.close({ keepData: true });

    emulator.faults.clear();
    const second = await startTestServer({ db, dataDir, database, env });
    try {
      for (const id of [inFlight.createVideo.video.id, pending.createVideo.video.id]) {
        await waitForVideo(second.gql, id);
      }
      const creates = emulator.record.entries().filter((e) => e.kind === 'create' && e.prompt?.endsWith(db));
      expect(creates.map((e) => e.prompt).sort()).toEqual([`in flight ${db}`, `pending ${db}`]);
    } finally {
      await second.close({ keepData: true });
    }
  });
});
