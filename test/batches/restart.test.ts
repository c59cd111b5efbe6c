import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Emulator } from '../../src/emulator';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { GetBatchDocument, SubmitBatchDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';
import { startTestServer } from '../support/server';
import { eventually } from '../support/wait';

describe.each(databaseKinds())('a batch survives a restart (%s)', (db) => {
  let upstream: StandaloneEmulator;
  let emulator: Emulator;
  let dataDir: string;
  let database: ScratchDatabase | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-batch-restart-'));
    database = db === 'postgresql' ? await createScratchPostgres() : undefined;
    upstream = await standaloneEmulator({ cachedRender: true });
    emulator = upstream.emulator;
  });
  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes after a stop mid-way, with every item submitted exactly once', async () => {
    const env = { ...upstream.env, BATCH_CONCURRENCY: '2', JOBS_IDLE_POLL_MS: '100' };
    const prompts = Array.from({ length: 30 }, (_, i) => `Restarted batch item ${i} (${db})`);
    const submitted = () => emulator.record.entries().filter((e) => e.kind === 'create' && prompts.includes(e.prompt ?? ''));

    // A slow upstream keeps the batch mid-way when the first process stops.
    emulator.faults.set({ latencyMs: 120 });
    const first = await startTestServer({ db, dataDir, database, env });
    const { submitBatch } = await first.gql.data(SubmitBatchDocument, { input: { items: prompts.map((prompt, i) => ({ customId: `item-${i}`, prompt, size: '1280x720' })) } });
    await eventually(() => submitted().length >= 6, { what: 'a few submissions' });
    await first.close({ keepData: true });
    const beforeRestart = submitted().length;
    expect(beforeRestart).toBeLessThan(30);

    emulator.faults.clear();
    const second = await startTestServer({ db, dataDir, database, env });
    try {
      const batch = await eventually(async () => {
        const { batch } = await second.gql.data(GetBatchDocument, { id: submitBatch.batch.id });
        return batch?.status === 'COMPLETED' ? batch : undefined;
      }, { timeoutMs: 90_000, what: 'the batch to complete after the restart' });
      expect(batch.counts).toMatchObject({ total: 30, completed: 30, failed: 0, pending: 0, inProgress: 0 });
      expect(submitted().map((e) => e.prompt).sort()).toEqual([...prompts].sort());
    } finally {
      await second.close({ keepData: true });
    }
  });
});
