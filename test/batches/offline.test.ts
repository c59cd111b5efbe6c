import { forkForWorkers } from '../../src/db/tenant-scoped';
import { Batch } from '../../src/modules/batches/batch.entity';
import { BatchVideosDocument, CancelBatchDocument, GetBatchDocument, SubmitBatchDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';

describe.each(databaseKinds())('batch validation, JSONL uploads and OFFLINE mode (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { EMULATOR_CACHED_RENDER: 'true', JOBS_CONCURRENCY: '8' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const waitForBatch = (id: string, status: string) =>
    eventually(async () => {
      const { batch } = await server.gql.data(GetBatchDocument, { id });
      return batch?.status === status ? batch : undefined;
    }, { timeoutMs: 90_000, what: `batch ${status}` });
  const nothingChanged = async (run: () => Promise<void>) => {
    const before = { batches: await forkForWorkers(server.app.db.orm).count(Batch), upstream: server.app.emulator!.record.count() };
    await run();
    expect({ batches: await forkForWorkers(server.app.db.orm).count(Batch), upstream: server.app.emulator!.record.count() }).toEqual(before);
  };

  it('a bad item rejects the whole batch with its index, customId and reason, and nothing is submitted', async () => {
    await nothingChanged(async () => {
      const items = [
        { customId: 'a', prompt: 'fine', size: '1280x720' },
        { customId: 'b', prompt: 'fine too', size: '1280x720' },
        { customId: 'c', prompt: 'bad size', size: '1080x1080' },
      ];
      const error = await server.gql.error(SubmitBatchDocument, { input: { items } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items[2].size', index: 2, customId: 'c', allowed: ['1280x720', '720x1280'] });
      expect(error.message).toBe("items[2] (customId 'c'): size '1080x1080' is not supported by sora-2. Use 1280x720 or 720x1280.");
      const duplicate = await server.gql.error(SubmitBatchDocument, { input: { items: [items[0], { ...items[1], customId: 'a' }] } });
      expect(duplicate.message).toMatch(/items\[1\] \(customId 'a'\): customId is used by an earlier item/);
      const mixed = await server.gql.error(SubmitBatchDocument, { input: { mode: 'OFFLINE', items: [items[0], { ...items[1], model: 'sora-2-pro' }] } });
      expect(mixed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.mode' });
      const both = await server.gql.error(SubmitBatchDocument, { input: {} });
      expect(both.message).toMatch(/exactly one of them/);
      const metadata = await server.gql.error(SubmitBatchDocument, { input: { items: [items[0]], metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) } });
      expect(metadata.message).toMatch(/at most 16 pairs/);
    });
  });

  it('takes items from a JSON Lines upload in either line form, and names the bad line', async () => {
    const lines = [
      { customId: 'flat-1', prompt: `Flat line (${db})`, size: '1280x720', seconds: 4 },
      { custom_id: 'api-2', method: 'POST', url: '/v1/videos', body: { model: 'sora-2', prompt: `Batch API line (${db})`, size: '720x1280', seconds: '4' } },
    ];
    const upload = await uploadFile(server.app.origin, Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`), 'items.jsonl');
    expect(upload.body).toMatchObject({ kind: 'JSONL', contentType: 'application/jsonl' });
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { itemsUploadId: upload.body.id } });
    const batch = await waitForBatch(submitBatch.batch.id, 'COMPLETED');
    expect(batch.counts).toMatchObject({ total: 2, completed: 2 });

    const broken = await uploadFile(server.app.origin, Buffer.from('{"customId":"ok","prompt":"fine"}\n{"customId": oops}\n'), 'broken.jsonl');
    await nothingChanged(async () => {
      const error = await server.gql.error(SubmitBatchDocument, { input: { itemsUploadId: broken.body.id } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.itemsUploadId' });
      expect(error.message).toBe('line 2 is not valid JSON.');
    });
  });

  it('an OFFLINE batch goes through the upstream Batch API and maps every output and error line to its item', async () => {
    const items = [
      ...Array.from({ length: 6 }, (_, i) => ({ customId: `ok-${i}`, prompt: `Offline shot ${i} (${db})`, size: '1280x720' })),
      { customId: 'blocked', prompt: `EMULATOR_BLOCK at create (${db})`, size: '1280x720' },
      { customId: 'failed', prompt: `EMULATOR_FAIL_RENDER while rendering (${db})`, size: '1280x720' },
    ];
    const batchesBefore = server.app.emulator!.record.count('batch_item');
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { mode: 'OFFLINE', items, metadata: { job: 'offline' } } });
    expect(submitBatch.batch).toMatchObject({ mode: 'OFFLINE', status: 'VALIDATING', total: 8 });
    const batch = await waitForBatch(submitBatch.batch.id, 'COMPLETED');
    expect(batch.counts).toMatchObject({ total: 8, completed: 6, failed: 2, pending: 0, inProgress: 0 });
    expect(batch.errors.map((e) => [e.customId, e.code]).sort()).toEqual([
      ['blocked', 'CONTENT_POLICY_VIOLATION'],
      ['failed', 'CONTENT_POLICY_VIOLATION'],
    ]);
    // Every valid line became an upstream batch item, and no item was also submitted on its own.
    expect(server.app.emulator!.record.count('batch_item') - batchesBefore).toBe(7);
    expect(server.app.emulator!.record.entries().filter((e) => e.kind === 'create' && e.prompt?.includes(`(${db})`) && e.prompt.startsWith('Offline'))).toHaveLength(0);
    const { batch: withVideos } = await server.gql.data(BatchVideosDocument, { id: batch.id, first: 20, status: ['COMPLETED'] });
    for (const video of withVideos!.videos.nodes) expect((await fetch(video.downloadUrl!, { headers: { range: 'bytes=0-15' } })).status).toBe(206);
    const exported = (await (await fetch(batch.resultsUrl!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { customId: string });
    expect(exported.map((l) => l.customId).sort()).toEqual(items.map((i) => i.customId).sort());
  });

  it('cancelling an OFFLINE batch cancels it upstream and ends CANCELLED', async () => {
    server.app.emulator!.faults.set({ latencyMs: 0 });
    const items = Array.from({ length: 5 }, (_, i) => ({ customId: `x-${i}`, prompt: `Offline cancel ${i} (${db})`, size: '1280x720', seconds: 12 }));
    const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { mode: 'OFFLINE', items } });
    await eventually(async () => Boolean((await forkForWorkers(server.app.db.orm).findOne(Batch, { id: Buffer.from(submitBatch.batch.id, 'base64url').toString().split(':')[1] }))?.upstreamBatchId));
    await server.gql.data(CancelBatchDocument, { input: { batchId: submitBatch.batch.id } });
    const batch = await waitForBatch(submitBatch.batch.id, 'CANCELLED');
    expect(batch.counts.pending + batch.counts.inProgress).toBe(0);
    expect(batch.counts.completed + batch.counts.cancelled + batch.counts.failed).toBe(5);
  });
});
