import { BatchUpdatedDocument, BatchVideosDocument, CancelBatchDocument, GetBatchDocument, SubmitBatchDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

describe.each(databaseKinds())('IMMEDIATE batches (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { EMULATOR_CACHED_RENDER: 'true', JOBS_CONCURRENCY: '16', BATCH_CONCURRENCY: '8' } });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server.app.emulator!.faults.clear());

  const waitForBatch = (id: string, status: string, timeoutMs = 120_000) =>
    eventually(async () => {
      const { batch } = await server.gql.data(GetBatchDocument, { id });
      return batch?.status === status ? batch : undefined;
    }, { timeoutMs, what: `batch ${status}` });

  it('a 200-item batch completes with consistent counts, every video playable, and live counts rising to the end', async () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ customId: `shot-${i + 1}`, prompt: `Catalogue shot ${i + 1} (${db})`, size: '1280x720', seconds: 4 }));
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { items, metadata: { campaign: 'autumn' } } });
    expect(submitBatch.batch).toMatchObject({ mode: 'IMMEDIATE', status: 'IN_PROGRESS', total: 200, metadata: { campaign: 'autumn' }, estimatedCost: 80 });
    const client = wsClient(server.wsUrl);
    try {
      const live = subscribe(client, BatchUpdatedDocument, { id: submitBatch.batch.id });
      await live.done;
      expect(live.errors).toEqual([]);
      const states = live.values.map((v) => v.batchUpdated);
      const completed = states.map((s) => s.counts.completed);
      expect(completed).toEqual([...completed].sort((a, b) => a - b));
      expect(states.at(-1)).toMatchObject({ status: 'COMPLETED', counts: { total: 200, pending: 0, inProgress: 0, completed: 200, failed: 0, cancelled: 0 } });
      expect(states.length).toBeGreaterThan(2);
      for (const s of states) expect(s.counts.pending + s.counts.inProgress + s.counts.completed + s.counts.failed + s.counts.cancelled).toBe(200);
    } finally {
      await client.dispose();
    }

    const batch = await waitForBatch(submitBatch.batch.id, 'COMPLETED');
    expect(batch.errors).toEqual([]);
    // Every item is a stored, playable video.
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const { batch: page } = await server.gql.data(BatchVideosDocument, { id: batch.id, first: 100, after });
      for (const video of page!.videos.nodes) {
        expect(video.status).toBe('COMPLETED');
        const head = await fetch(video.downloadUrl!, { headers: { range: 'bytes=0-63' } });
        expect([head.status, head.headers.get('content-type')]).toEqual([206, 'video/mp4']);
        seen.push(video.customId!);
      }
      after = page!.videos.pageInfo.hasNextPage ? page!.videos.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen).toEqual(items.map((i) => i.customId));
    const creates = server.app.emulator!.record.entries().filter((e) => e.kind === 'create' && e.prompt?.endsWith(`(${db})`) && e.prompt.startsWith('Catalogue'));
    expect(creates).toHaveLength(200);
    // The results export maps every customId.
    const lines = (await (await fetch(batch.resultsUrl!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { customId: string; status: string });
    expect(lines.map((l) => l.customId)).toEqual(items.map((i) => i.customId));
    expect(new Set(lines.map((l) => l.status))).toEqual(new Set(['COMPLETED']));
  });

  it('respects upstream 429s: the batch pauses, then finishes with every item submitted once', async () => {
    server.app.emulator!.faults.set({ rateLimit: { remaining: 12, retryAfterMs: 300, match: 'POST /videos$' } });
    const items = Array.from({ length: 20 }, (_, i) => ({ customId: `rl-${i}`, prompt: `Rate limited ${i} (${db})`, size: '1280x720' }));
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { items } });
    const batch = await waitForBatch(submitBatch.batch.id, 'COMPLETED');
    expect(batch.counts).toMatchObject({ completed: 20, failed: 0 });
    const creates = server.app.emulator!.record.entries().filter((e) => e.kind === 'create' && e.prompt?.startsWith('Rate limited') && e.prompt.endsWith(`(${db})`));
    expect(creates.map((e) => e.prompt).sort()).toEqual(items.map((i) => i.prompt).sort());
  });

  it('cancel mid-way stops new submissions and ends CANCELLED with accurate counts', async () => {
    // A slow upstream and one submission at a time, so the cancel lands mid-batch.
    server.app.emulator!.faults.set({ latencyMs: 150 });
    const items = Array.from({ length: 30 }, (_, i) => ({ customId: `c-${i}`, prompt: `Cancelled batch ${i} (${db})`, size: '1280x720' }));
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { items } });
    await eventually(async () => {
      const { batch } = await server.gql.data(GetBatchDocument, { id: submitBatch.batch.id });
      return (batch?.counts.inProgress ?? 0) + (batch?.counts.completed ?? 0) >= 8;
    });
    const { cancelBatch } = await server.gql.data(CancelBatchDocument, { input: { batchId: submitBatch.batch.id } });
    expect(['CANCELLING', 'CANCELLED']).toContain(cancelBatch.batch.status);
    const batch = await waitForBatch(submitBatch.batch.id, 'CANCELLED');
    const { counts } = batch;
    expect(counts.pending + counts.inProgress).toBe(0);
    expect(counts.cancelled).toBeGreaterThan(0);
    expect(counts.completed + counts.cancelled + counts.failed).toBe(30);
    // Exactly the items that were not cancelled reached the upstream.
    const creates = server.app.emulator!.record.entries().filter((e) => e.prompt?.startsWith('Cancelled batch') && e.prompt.endsWith(`(${db})`));
    expect(creates).toHaveLength(counts.completed + counts.failed);
    // Cancelling again is harmless: the answer is the cancelled batch.
    const { cancelBatch: again } = await server.gql.data(CancelBatchDocument, { input: { batchId: submitBatch.batch.id } });
    expect(again.batch.status).toBe('CANCELLED');
  });
});
