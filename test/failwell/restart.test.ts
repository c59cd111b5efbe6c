import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { generateWebhookSecret, startEmulator } from '../../src/emulator';
import type { RecordEntry } from '../../src/emulator';
import { startReceiver } from '../emulator/helpers';
import { CreateVideoDocument, GetVideoDocument, ListEventsDocument } from '../generated/graphql';
import { spawnServer } from '../support/process';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';

/** The embedded emulator's persisted state under DATA_DIR. */
const stateOf = (dataDir: string) => path.join(dataDir, 'emulator', 'state');

function persistedRecord(dataDir: string): RecordEntry[] {
  return readFileSync(path.join(stateOf(dataDir), 'record.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as RecordEntry);
}

/**
 * `npm start` restarted mid-render (SIGTERM to npm's pid, then started again on the same
 * DATA_DIR): the embedded emulator's job survives and completes, exactly once.
 */
describe('restarting npm start mid-render', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-restart-npm-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('completes the job that was rendering, with one submission upstream', async () => {
    // Renders take 6 s, so the stop surely lands mid-render.
    const env = { DATA_DIR: dataDir, EMULATOR_MIN_RENDER_MS: '6000', JOBS_IDLE_POLL_MS: '200' };
    const first = await spawnServer(env, { npm: true, readyTimeoutMs: 60_000 });
    const prompt = 'rendering through a restart';
    const { createVideo } = await first.gql.data(CreateVideoDocument, { input: { prompt, size: '1280x720' } });
    const id = createVideo.video.id;
    await eventually(async () => (await first.gql.data(GetVideoDocument, { id })).video?.status === 'IN_PROGRESS', { what: 'the render to start' });
    first.kill('SIGTERM');
    expect(await first.exited).toMatchObject({ code: 0 });
    // Positive control: the upstream job really was unfinished when the server stopped.
    const [upstreamId] = persistedRecord(dataDir).filter((e) => e.prompt === prompt).map((e) => e.id);
    const stored = JSON.parse(readFileSync(path.join(stateOf(dataDir), 'videos', `${upstreamId}.json`), 'utf8')) as { video: { status: string } };
    expect(stored.video.status).toBe('in_progress');

    const second = await spawnServer(env, { npm: true, readyTimeoutMs: 60_000 });
    try {
      const video = await waitForVideo(second.gql, id, 'COMPLETED', 30_000);
      expect(video.status).toBe('COMPLETED');
      const { events } = await second.gql.data(ListEventsDocument, { first: 50, subjectId: id });
      expect(events.edges.filter((e) => e.node.status === 'COMPLETED')).toHaveLength(1);
      expect(persistedRecord(dataDir).filter((e) => e.prompt === prompt)).toEqual([expect.objectContaining({ kind: 'create', id: upstreamId })]);
      expect((await second.gql.request('{ __typename }')).status).toBe(200);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

describe('restarting the standalone emulator mid-render', () => {
  it('resumes the job, completes it once and delivers its webhook', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-restart-emu-'));
    const receiver = await startReceiver();
    const webhook = { url: receiver.url, secret: generateWebhookSecret() };
    const options = { port: 0, dataDir, webhook, timing: { queuedMs: 50, minRenderMs: 4000 } };
    try {
      const before = await startEmulator(options);
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: before.baseURL, maxRetries: 0 });
      const created = await client.videos.create({ prompt: 'emulator restart', size: '1280x720', seconds: '4' });
      await eventually(async () => (await client.videos.retrieve(created.id)).status === 'in_progress', { what: 'the render to start' });
      const queued = await client.videos.create({ prompt: 'queued through a restart', size: '1280x720', seconds: '4' });
      await before.close();

      const after = await startEmulator(options);
      try {
        const again = new OpenAI({ apiKey: 'sk-test', baseURL: after.baseURL, maxRetries: 0 });
        for (const id of [created.id, queued.id]) {
          const done = await eventually(async () => {
            const v = await again.videos.retrieve(id);
            return v.status === 'completed' || v.status === 'failed' ? v : undefined;
          }, { what: `${id} to finish` });
          expect(done.status).toBe('completed');
          const content = await again.videos.downloadContent(id);
          expect(content.status).toBe(200);
          expect((await content.arrayBuffer()).byteLength).toBeGreaterThan(0);
        }
        // The record survived the restart, and the restart added nothing to it.
        expect(after.record.entries().map((e) => e.id)).toEqual([created.id, queued.id]);
        const completions = () => receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: { id: string } }).filter((b) => b.type === 'video.completed');
        await eventually(() => completions().length === 2, { what: 'both completion webhooks' });
        expect(completions().map((b) => b.data.id).sort()).toEqual([created.id, queued.id].sort());
      } finally {
        await after.close();
      }
    } finally {
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('restarting the standalone emulator with a batch in flight', () => {
  it('finishes the batch: every line once, results joined by custom_id', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-restart-batch-'));
    const options = { port: 0, dataDir, timing: { queuedMs: 50, minRenderMs: 3000 }, rateLimit: { maxConcurrentRenders: 4 } };
    try {
      const before = await startEmulator(options);
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: before.baseURL, maxRetries: 0 });
      const lines = ['a', 'b'].map((c) => JSON.stringify({ custom_id: c, method: 'POST', url: '/v1/videos', body: { prompt: `batch line ${c}`, size: '1280x720' } }));
      const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'batch.jsonl', { type: 'application/jsonl' }), purpose: 'batch' });
      const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/videos', completion_window: '24h' });
      await eventually(() => before.record.count('batch_item') === 2, { what: 'both lines to be submitted' });
      expect((await client.batches.retrieve(batch.id)).status).toBe('in_progress');
      await before.close();

      const after = await startEmulator(options);
      try {
        const again = new OpenAI({ apiKey: 'sk-test', baseURL: after.baseURL, maxRetries: 0 });
        const done = await eventually(async () => {
          const b = await again.batches.retrieve(batch.id);
          return ['completed', 'failed', 'expired', 'cancelled'].includes(b.status) ? b : undefined;
        }, { what: 'the batch to finish' });
        expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 } });
        const output = (await (await again.files.content(done.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; response: { body: { status: string } } });
        expect(output.map((o) => [o.custom_id, o.response.body.status]).sort()).toEqual([['a', 'completed'], ['b', 'completed']]);
        expect(after.record.count('batch_item')).toBe(2);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
