import { CreateStoryboardDocument, GetStoryboardDocument, StoryboardUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { probeBytes } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

describe.each(databaseKinds())('storyboards (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  const waitFor = (id: string, status: 'COMPLETED' | 'FAILED') =>
    eventually(async () => {
      const { storyboard } = await server.gql.data(GetStoryboardDocument, { id });
      return storyboard?.status === status ? storyboard : undefined;
    }, { timeoutMs: 60_000, what: `storyboard ${status}` });

  it('renders 3 scenes as one continuous video whose duration is the sum of the scenes, pushing progress live', async () => {
    const scenes = [
      { prompt: 'Scene 1: a kettle on a stove, steam rising', seconds: 4 },
      { prompt: 'Scene 2: the kettle whistles', seconds: 4 },
      { prompt: 'Scene 3: a hand pours tea into a cup', seconds: 8 },
    ];
    const { createStoryboard } = await server.gql.data(CreateStoryboardDocument, { input: { scenes, size: '1280x720' } });
    const created = createStoryboard.storyboard;
    expect(created).toMatchObject({ status: 'IN_PROGRESS', totalSeconds: 16, currentScene: 1 });
    expect(created.scenes.map((s) => s.video?.status ?? null)).toEqual(['QUEUED', null, null]);

    const client = wsClient(server.wsUrl);
    try {
      const live = subscribe(client, StoryboardUpdatedDocument, { id: created.id });
      await live.done;
      expect(live.errors).toEqual([]);
      const updates = live.values.map((v) => v.storyboardUpdated);
      expect(updates.at(-1)).toMatchObject({ status: 'COMPLETED', currentScene: 3, progress: 100 });
      expect(new Set(updates.map((u) => u.currentScene))).toEqual(new Set([1, 2, 3]));
      const progress = updates.map((u) => u.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    } finally {
      await client.dispose();
    }

    const done = await waitFor(created.id, 'COMPLETED');
    expect(done.scenes.map((s) => [s.index, s.video?.status, s.video?.seconds])).toEqual([
      [1, 'COMPLETED', 4],
      [2, 'COMPLETED', 8],
      [3, 'COMPLETED', 16],
    ]);
    expect(done.finalVideo?.id).toBe(done.scenes[2].video?.id);
    const mp4 = Buffer.from(await (await fetch(done.finalVideo!.downloadUrl!)).arrayBuffer());
    expect(Math.abs((await probeBytes(mp4)).duration - 16)).toBeLessThan(0.3);
  });

  it('checks scene count, durations and the 120 s total up front, and writes nothing on refusal', async () => {
    const before = server.app.emulator!.record.count();
    const eight = Array.from({ length: 8 }, (_, i) => ({ prompt: `scene ${i}`, seconds: 4 }));
    const tooMany = await server.gql.error(CreateStoryboardDocument, { input: { scenes: eight } });
    expect(tooMany.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scenes' });
    expect(tooMany.message).toMatch(/at most 7 scenes/);
    const long = Array.from({ length: 7 }, (_, i) => ({ prompt: `scene ${i}`, seconds: 20 }));
    const tooLong = await server.gql.error(CreateStoryboardDocument, { input: { scenes: long } });
    expect(tooLong.message).toMatch(/add up to 140 s; a storyboard is one continuous clip of at most 120 s\. Shorten it by 20 s\./);
    const odd = await server.gql.error(CreateStoryboardDocument, { input: { scenes: [{ prompt: 'a', seconds: 4 }, { prompt: 'b', seconds: 6 }] } });
    expect(odd.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scenes[1].seconds', allowed: [4, 8, 12, 16, 20] });
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('a retried createStoryboard with the same idempotency key returns the same storyboard and submits once', async () => {
    const input = { scenes: [{ prompt: `Idempotent scene ${db}`, seconds: 4 }], size: '1280x720', idempotencyKey: `board-${db}` };
    const before = server.app.emulator!.record.count();
    const [a, b] = await Promise.all([server.gql.data(CreateStoryboardDocument, { input }), server.gql.data(CreateStoryboardDocument, { input })]);
    expect(a.createStoryboard.storyboard.id).toBe(b.createStoryboard.storyboard.id);
    expect(server.app.emulator!.record.count()).toBe(before + 1);
    const conflict = await server.gql.error(CreateStoryboardDocument, { input: { ...input, size: '720x1280' } });
    expect(conflict.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    await waitFor(a.createStoryboard.storyboard.id, 'COMPLETED');
  });

  it('stops at a failed scene with a clear error and keeps what was made', async () => {
    const { createStoryboard } = await server.gql.data(CreateStoryboardDocument, {
      input: { scenes: [{ prompt: 'A calm sea', seconds: 4 }, { prompt: 'EMULATOR_FAIL_RENDER a storm', seconds: 4 }, { prompt: 'Never rendered', seconds: 4 }], size: '1280x720' },
    });
    const failed = await waitFor(createStoryboard.storyboard.id, 'FAILED');
    expect(failed.error?.code).toBe('CONTENT_POLICY_VIOLATION');
    expect(failed.error?.message).toMatch(/Scene 2 failed/);
    expect(failed.scenes.map((s) => s.video?.status ?? null)).toEqual(['COMPLETED', 'FAILED', null]);
    expect(failed.finalVideo).toBeNull();
    expect(failed.currentScene).toBe(2);
  });
});
