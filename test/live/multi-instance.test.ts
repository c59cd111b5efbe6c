import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type Emulator, generateWebhookSecret, startEmulator } from '../../src/emulator';
import { CreateVideoDocument, ListVideosDocument, VideoUpdatedDocument } from '../generated/graphql';
import { createScratchPostgres, hasPostgres, redisUrl, type ScratchDatabase } from '../support/databases';
import { type ServerProcess, spawnServer } from '../support/process';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

const ready = hasPostgres() && Boolean(redisUrl());
if (!ready) console.warn('⚠  SKIPPING multi-instance tests: they need PostgreSQL and Redis.');

/**
 * Two Reelgraph processes sharing one PostgreSQL database and one Redis, against one upstream
 * (the emulator, running here so its record of accepted jobs is visible to the test).
 */
(ready ? describe : describe.skip)('several instances on PostgreSQL + Redis', () => {
  let emulator: Emulator;
  let database: ScratchDatabase;
  let dataDir: string;
  let emulatorDir: string;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    emulatorDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-emu-'));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-multi-'));
    emulator = await startEmulator({ port: 0, dataDir: emulatorDir, cachedRender: true });
    database = await createScratchPostgres();
    const secret = generateWebhookSecret();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl()!,
      OPENAI_API_KEY: 'sk-multi-instance',
      OPENAI_BASE_URL: emulator.baseURL,
      OPENAI_WEBHOOK_SECRET: secret,
      // Instances share media storage and the signing key, as a deployment behind one URL must.
      DATA_DIR: dataDir,
      MEDIA_SIGNING_SECRET: 'a-shared-media-signing-secret-of-32+chars',
      JOBS_IDLE_POLL_MS: '200',
    };
    // Started together: migrations must serialise, not race.
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    emulator.setWebhook({ url: `${a.origin}/webhooks/openai`, secret });
  });

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await emulator?.close();
    await database?.drop();
    rmSync(emulatorDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    // Graceful shutdown on SIGTERM exits 0.
    expect({ codes, output: codes.every((c) => c === 0) ? '' : `${a.output()}\n${b.output()}` }).toEqual({ codes: [0, 0], output: '' });
  });

  it('a change applied on A (webhooks go to A) reaches a subscriber on B, every step of it', async () => {
    const { createVideo } = await a.gql.data(CreateVideoDocument, { input: { prompt: 'Two cities, one river', size: '1280x720' } });
    const client = wsClient(b.wsUrl);
    try {
      const sub = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await sub.done;
      expect(sub.errors).toEqual([]);
      const statuses = sub.values.map((v) => v.videoUpdated.status);
      expect(statuses[0]).toBe('QUEUED');
      expect(statuses).toContain('IN_PROGRESS');
      expect(statuses.at(-1)).toBe('COMPLETED');
      const url = sub.values.at(-1)!.videoUpdated.downloadUrl!;
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await client.dispose();
    }
    // The upstream's webhook was received (and recorded) by A.
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query("select count(*)::int as n from webhook_delivery where type = 'video.completed'");
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await pg.end();
    }
  });

  it('50 jobs created across both instances are each submitted upstream exactly once', async () => {
    // Every inline submission fails, so both instances' workers compete for the 50 PENDING rows.
    emulator.faults.set({ serverError: { remaining: 100_000, match: 'POST /videos$' } });
    const prompts = Array.from({ length: 50 }, (_, i) => `exactly once #${i}`);
    const created = await Promise.all(
      prompts.map((prompt, i) => (i % 2 === 0 ? a : b).gql.data(CreateVideoDocument, { input: { prompt, size: '1280x720' } })),
    );
    expect(new Set(created.map((c) => c.createVideo.video.status))).toEqual(new Set(['PENDING']));
    emulator.faults.clear();
    await eventually(
      async () => {
        const { videos } = await a.gql.data(ListVideosDocument, { first: 100, filter: { status: ['COMPLETED'] } });
        return videos.edges.filter((e) => e.node.prompt.startsWith('exactly once #')).length === 50;
      },
      { timeoutMs: 120_000, what: '50 jobs to complete' },
    );
    const creates = emulator.record.entries().filter((e) => e.kind === 'create' && e.prompt?.startsWith('exactly once #'));
    expect(creates.map((e) => e.prompt).sort()).toEqual([...prompts].sort());
  });
});
