import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateVideoDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { spawnServer } from '../support/process';
import { startTestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';

/**
 * `kill -9` with work in flight: the dead process's task leases are short and only its heartbeat
 * kept them alive, so the next process on the same database takes the work over within seconds.
 * The job is caught mid-submission: the upstream accepted the create but holds its response, so
 * the dead process still held the submit task's lease when it died.
 */
describe.each(databaseKinds())('recovery after kill -9 (%s)', (db) => {
  let upstream: StandaloneEmulator;
  let dataDir: string;
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    upstream = await standaloneEmulator({ cachedRender: true });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-kill-'));
    database = db === 'postgresql' ? await createScratchPostgres() : undefined;
  });
  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('another process completes the job within seconds, with default lease settings', async () => {
    // Default JOBS_LEASE_MS/JOBS_HEARTBEAT_MS: the point is what a deployment gets out of the box.
    const env = { ...upstream.env, DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}) };
    const first = await spawnServer(env);
    const prompt = `killed mid-submit ${db}`;
    upstream.emulator.faults.set({ holdResponse: { remaining: 1, ms: 120_000, match: 'POST /videos$' } });
    const creating = first.gql.request(CreateVideoDocument, { input: { prompt, size: '1280x720' } }).catch(() => 'connection lost');
    await eventually(() => upstream.emulator.record.entries().some((e) => e.prompt === prompt), { what: 'the upstream to accept the create' });
    // Its own heartbeat has been renewing the lease: it is still held, well past any single lease.
    first.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await creating).toBe('connection lost');
    upstream.emulator.faults.clear();

    const second = await spawnServer(env);
    try {
      const { videos } = await second.gql.data<{ videos: { nodes: { id: string; prompt: string }[] } }, Record<string, never>>(
        '{ videos(first: 10) { nodes { id prompt } } }',
      );
      const video = videos.nodes.find((v) => v.prompt === prompt);
      expect(video).toBeDefined();
      await waitForVideo(second.gql, video!.id, 'COMPLETED', 30_000);
      const seconds = (Date.now() - killedAt) / 1000;
      console.info(`kill -9 recovery (${db}): COMPLETED ${seconds.toFixed(1)} s after the kill`);
      expect(seconds).toBeLessThan(15);
      expect((await second.gql.request('{ __typename }')).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe.each(databaseKinds())('task leases of a live process (%s)', (db) => {
  it('are renewed by the heartbeat while the work runs, well past one lease', async () => {
    const leaseMs = 2000;
    const server = await startTestServer({ db, env: { JOBS_LEASE_MS: String(leaseMs) } });
    try {
      const emulator = server.app.emulator!;
      emulator.faults.set({ holdResponse: { remaining: 1, ms: 4 * leaseMs, match: 'POST /videos$' } });
      const creating = server.gql.data(CreateVideoDocument, { input: { prompt: `held lease ${db}`, size: '1280x720' } });
      const lease = async () => {
        const rows = await server.app.db.orm.em
          .fork()
          .getConnection()
          .execute<{ lease_owner: string | null; lease_until: number | string | null }[]>("select lease_owner, lease_until from task where kind = 'video.submit'", [], 'all');
        return rows[0] && rows[0].lease_until !== null ? { owner: rows[0].lease_owner, until: Number(rows[0].lease_until) } : undefined;
      };
      const first = await eventually(lease, { what: 'the inline submission to hold its lease' });
      // Renewed beyond twice its first expiry while the (held) upstream call is still running.
      const renewed = await eventually(async () => {
        const now = await lease();
        return now && now.until >= first.until + 2 * leaseMs ? now : undefined;
      }, { what: 'the lease to be renewed', timeoutMs: 3 * leaseMs });
      expect(renewed.owner).toBe(server.app.internals.pipeline.queue.owner);
      expect(emulator.record.entries().filter((e) => e.prompt === `held lease ${db}`)).toHaveLength(1);
      expect((await creating).createVideo.video.status).toBe('QUEUED');
    } finally {
      await server.close();
    }
  });
});
