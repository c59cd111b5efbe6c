/**
 * Batches for `/v1/videos`: JSONL in, one video per valid line, output/error JSONL joined by
 * custom_id, cancel, expiry, list paging and request validation.
 */
import OpenAI, { toFile } from 'openai';
import { generateWebhookSecret } from '../../src/emulator';
import { type Harness, startHarness, startReceiver, waitFor, failure } from './helpers';

type Line = { custom_id: string | null; response: { status_code: number; request_id: string; body: Record<string, unknown> } | null; error: { code: string; message: string } | null; id: string };

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const req = (custom_id: string, body: Record<string, unknown>) => ({ custom_id, method: 'POST', url: '/v1/videos', body });

async function upload(client: OpenAI, text: string): Promise<string> {
  return (await client.files.create({ file: await toFile(Buffer.from(text), 'batch.jsonl', { type: 'application/jsonl' }), purpose: 'batch' })).id;
}

async function readLines(client: OpenAI, fileId: string | null | undefined): Promise<Line[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

async function waitForBatch(client: OpenAI, id: string, statuses: string[]): Promise<OpenAI.Batches.Batch> {
  return waitFor(async () => {
    const b = await client.batches.retrieve(id);
    return statuses.includes(b.status) ? b : undefined;
  }, 30_000);
}

describe('batches', () => {
  let h: Harness;
  let client: OpenAI;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startHarness({ cachedRender: true, webhook: { url: receiver.url, secret: generateWebhookSecret() } });
    client = h.client;
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('runs a batch: every custom_id lands in the output or error file', async () => {
    const input = jsonl([
      req('shot-1', { prompt: 'one' }),
      req('shot-2', { prompt: 'two', seconds: 8 }),
      req('shot-3', { prompt: 'three', size: '1280x720' }),
      req('bad-seconds', { prompt: 'four', seconds: '10' }),
      req('fails-render', { prompt: 'EMULATOR_FAIL_RENDER' }),
      '{"custom_id":"wrong-url","method":"POST","url":"/v1/chat/completions","body":{}}',
    ]);
    const created = await client.batches.create({ input_file_id: await upload(client, input), endpoint: '/v1/videos', completion_window: '24h', metadata: { project: 'p1' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', endpoint: '/v1/videos', completion_window: '24h', metadata: { project: 'p1' }, model: 'sora-2' });
    expect(created.id).toMatch(/^batch_/);
    const b = await waitForBatch(client, created.id, ['completed', 'failed']);
    expect(b.status).toBe('completed');
    expect(b.request_counts).toEqual({ total: 6, completed: 4, failed: 2 });
    for (const k of ['in_progress_at', 'finalizing_at', 'completed_at'] as const) expect(typeof b[k]).toBe('number');

    const out = await readLines(client, b.output_file_id);
    const errs = await readLines(client, b.error_file_id);
    expect(out.map((l) => l.custom_id).sort()).toEqual(['fails-render', 'shot-1', 'shot-2', 'shot-3']);
    expect(errs.map((l) => l.custom_id).sort()).toEqual(['bad-seconds', 'wrong-url']);
    for (const l of out) {
      expect(l.id).toMatch(/^batch_req_/);
      expect(l.error).toBeNull();
      expect(l.response).toMatchObject({ status_code: 200, request_id: expect.stringMatching(/^req_/) });
      expect(['completed', 'failed']).toContain(l.response!.body.status);
      // The body is the terminal video, retrievable (and downloadable) by its id.
      const v = await client.videos.retrieve(l.response!.body.id as string);
      expect(v.status).toBe(l.response!.body.status);
    }
    expect(out.find((l) => l.custom_id === 'shot-2')!.response!.body).toMatchObject({ seconds: '8', status: 'completed' });
    expect(out.find((l) => l.custom_id === 'fails-render')!.response!.body).toMatchObject({ status: 'failed', error: { code: 'moderation_blocked' } });
    const bad = errs.find((l) => l.custom_id === 'bad-seconds')!;
    expect(bad.response).toMatchObject({
      status_code: 400,
      body: { error: { message: "Invalid value: '10'. Supported values are: '4', '8', '12', '16', and '20'.", param: 'seconds', code: 'invalid_value' } },
    });
    expect(errs.find((l) => l.custom_id === 'wrong-url')!.response).toMatchObject({ status_code: 400, body: { error: { code: 'invalid_url' } } });

    const items = h.em.record.entries().filter((e) => e.kind === 'batch_item' && e.batchId === b.id);
    expect(items).toHaveLength(4);
    const file = await client.files.retrieve(b.output_file_id!);
    expect(file.purpose).toBe('batch_output');
    await waitFor(() => receiver.received.find((c) => JSON.parse(c.body).data.id === b.id));
    expect(JSON.parse(receiver.received.find((c) => JSON.parse(c.body).data.id === b.id)!.body).type).toBe('batch.completed');
  });

  it('cancels: cancelling, then cancelled with batch_cancelled lines for unexecuted requests', async () => {
    const input = jsonl(Array.from({ length: 5 }, (_, i) => req(`c-${i}`, { prompt: `cancel me ${i}` })));
    const created = await client.batches.create({ input_file_id: await upload(client, input), endpoint: '/v1/videos', completion_window: '24h' });
    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe('cancelling');
    expect(typeof cancelling.cancelling_at).toBe('number');
    const b = await waitForBatch(client, created.id, ['cancelled']);
    expect(typeof b.cancelled_at).toBe('number');
    const errs = await readLines(client, b.error_file_id);
    const out = await readLines(client, b.output_file_id);
    expect([...errs, ...out].map((l) => l.custom_id).sort()).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
    for (const l of errs) expect(l).toMatchObject({ response: null, error: { code: 'batch_cancelled' } });
    expect(b.request_counts!.total).toBe(5);
    const again = await client.batches.cancel(created.id);
    expect(again.status).toBe('cancelled');
  });

  it('fails a batch whose input has no usable line', async () => {
    const created = await client.batches.create({ input_file_id: await upload(client, 'not json\n{"custom_id":"x","method":"GET","url":"/v1/videos","body":{}}\n'), endpoint: '/v1/videos', completion_window: '24h' });
    const b = await waitForBatch(client, created.id, ['failed']);
    expect(b.errors!.data!.map((e) => [e.line, e.code])).toEqual([
      [1, 'invalid_json_line'],
      [2, 'invalid_method'],
    ]);
    const empty = await client.batches.create({ input_file_id: await upload(client, '\n'), endpoint: '/v1/videos', completion_window: '24h' });
    expect((await waitForBatch(client, empty.id, ['failed'])).errors!.data![0].code).toBe('empty_file');
  });

  it('validates the create request', async () => {
    const fileId = await upload(client, jsonl([req('a', { prompt: 'a' })]));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' }, "Invalid value: '/v1/chat/completions'. Supported values are: '/v1/videos'."],
      [{ input_file_id: fileId, endpoint: '/v1/videos', completion_window: '48h' }, "Invalid value: '48h'. Supported values are: '24h'."],
      [{ endpoint: '/v1/videos', completion_window: '24h' }, "Missing required parameter: 'input_file_id'."],
      [
        { input_file_id: fileId, endpoint: '/v1/videos', completion_window: '24h', metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
        "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
      ],
      [
        { input_file_id: fileId, endpoint: '/v1/videos', completion_window: '24h', output_expires_after: { anchor: 'created_at', seconds: 60 } },
        "Invalid 'output_expires_after.seconds': integer below minimum value. Expected a value greater than or equal to 3600, but got 60 instead.",
      ],
    ];
    for (const [body, message] of cases) {
      const err = await failure(client.post('/batches', { body }));
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ message });
    }
    const mixed = await upload(client, jsonl([req('a', { prompt: 'a' }), req('b', { prompt: 'b', model: 'sora-2-pro' })]));
    const err = await failure(client.batches.create({ input_file_id: mixed, endpoint: '/v1/videos', completion_window: '24h' }));
    expect(err.error).toMatchObject({ param: 'input_file_id', code: 'invalid_value' });
    expect(err.message).toContain('a video batch may target only one model');
    // A final newline is ordinary JSONL: the blank line after it is no request and names no model.
    const snapshot = await upload(client, `${jsonl([req('s', { prompt: 's', model: 'sora-2-2025-12-08' })])}\n\n`);
    const created = await client.batches.create({ input_file_id: snapshot, endpoint: '/v1/videos', completion_window: '24h' });
    expect(created.status).toBe('validating');
    await expect(client.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/videos', completion_window: '24h' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.batches.retrieve('batch_nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('lists batches newest first with cursor paging', async () => {
    const ids: string[] = [];
    for await (const b of client.batches.list({ limit: 1 })) ids.push(b.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ids).size).toBe(ids.length);
    const page = await client.batches.list({ limit: 2 });
    expect(page.data.map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(page.has_more).toBe(true);
  });
});

describe('batch timing', () => {
  it('cancels mid-run: in-flight videos finish into the output, unsubmitted lines are cancelled', async () => {
    const h = await startHarness({ cachedRender: true, timing: { queuedMs: 10, minRenderMs: 400 } });
    try {
      const ids = Array.from({ length: 6 }, (_, i) => `m-${i}`);
      const fileId = await upload(h.client, jsonl(ids.map((id) => req(id, { prompt: id }))));
      const created = await h.client.batches.create({ input_file_id: fileId, endpoint: '/v1/videos', completion_window: '24h' });
      await waitForBatch(h.client, created.id, ['in_progress']);
      await h.client.batches.cancel(created.id);
      const b = await waitForBatch(h.client, created.id, ['cancelled']);
      const out = await readLines(h.client, b.output_file_id);
      const errs = await readLines(h.client, b.error_file_id);
      // At most max(4, 2 × renders) lines run at once; those finish, the rest never start.
      expect(out).toHaveLength(4);
      expect(errs).toHaveLength(2);
      expect([...out, ...errs].map((l) => l.custom_id).sort()).toEqual(ids);
      expect(b.request_counts).toEqual({ total: 6, completed: 4, failed: 2 });
      expect(h.em.record.count('batch_item')).toBe(4);
    } finally {
      await h.close();
    }
  });

  it('ends unfinished lines with batch_expired when the completion window passes', async () => {
    const h = await startHarness({ cachedRender: true, timing: { queuedMs: 10, minRenderMs: 5000 }, batchCompletionWindowMs: 400 });
    try {
      const fileId = await upload(h.client, jsonl([req('slow-1', { prompt: 'slow' }), req('slow-2', { prompt: 'slow' })]));
      const created = await h.client.batches.create({ input_file_id: fileId, endpoint: '/v1/videos', completion_window: '24h' });
      const b = await waitForBatch(h.client, created.id, ['expired']);
      expect(typeof b.expired_at).toBe('number');
      const errs = await readLines(h.client, b.error_file_id);
      expect(errs.map((l) => l.custom_id).sort()).toEqual(['slow-1', 'slow-2']);
      expect(errs[0]).toMatchObject({
        response: null,
        error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
      });
      expect(b.request_counts).toEqual({ total: 2, completed: 0, failed: 2 });
    } finally {
      await h.close();
    }
  });
});
