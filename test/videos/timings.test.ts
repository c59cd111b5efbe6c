import { forkForTenant } from '../../src/db/tenant-scoped';
import { toGlobalId } from '../../src/graphql/relay';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoStatus } from '../../src/modules/videos/video.enums';
import { CreateVideoDocument, GetVideoLifecycleDocument, ListVideoTimingsDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { countQueries, startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

const ms = (iso: string | null | undefined): number => new Date(iso as string).getTime();

describe.each(databaseKinds())('video timings through the pipeline (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { EMULATOR_CACHED_RENDER: 'true' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = async (prompt: string, size = '1280x720') => (await server.gql.data(CreateVideoDocument, { input: { prompt: `${prompt} (${db})`, size, seconds: 4 } })).createVideo.video;
  const lifecycle = async (id: string) => (await server.gql.data(GetVideoLifecycleDocument, { id })).video!;

  it('shows startedAt, queuedSeconds and renderSeconds after completion; estimatedCompletionAt is null without data and set once there is some', async () => {
    const first = await create('First of its shape');
    const running = await lifecycle(first.id);
    expect(['QUEUED', 'IN_PROGRESS']).toContain(running.status);
    expect(running).toMatchObject({ estimatedCompletionAt: null, renderSeconds: null });
    expect(running.submittedAt).not.toBeNull();

    await waitForVideo(server.gql, first.id);
    const done = await lifecycle(first.id);
    expect(done.startedAt).not.toBeNull();
    expect(ms(done.submittedAt)).toBeLessThanOrEqual(ms(done.startedAt));
    expect(ms(done.startedAt)).toBeLessThan(ms(done.completedAt));
    expect(done.queuedSeconds).toBeCloseTo((ms(done.startedAt) - ms(done.submittedAt)) / 1000, 3);
    expect(done.renderSeconds).toBeCloseTo((ms(done.completedAt) - ms(done.startedAt)) / 1000, 3);
    expect(done.renderSeconds).toBeGreaterThan(0);
    expect(done.estimatedCompletionAt).toBeNull();

    // Same snapshot, size and seconds: estimated from the first one's times. Another size: no data yet.
    const asked = Date.now();
    const [next, other] = [await create('Second of its shape'), await create('Another shape', '720x1280')];
    const [estimated, unknown] = [await lifecycle(next.id), await lifecycle(other.id)];
    expect(estimated.status).toBe('QUEUED');
    const expected = ms(estimated.submittedAt) + (done.queuedSeconds! + done.renderSeconds!) * 1000;
    expect(ms(estimated.estimatedCompletionAt)).toBeGreaterThanOrEqual(expected - 2);
    expect(ms(estimated.estimatedCompletionAt)).toBeLessThanOrEqual(Date.now() + (done.queuedSeconds! + done.renderSeconds!) * 1000 + 2);
    expect(ms(estimated.estimatedCompletionAt)).toBeGreaterThan(asked);
    expect(['QUEUED', 'IN_PROGRESS']).toContain(unknown.status);
    expect(unknown.estimatedCompletionAt).toBeNull();
    await waitForVideo(server.gql, next.id);
    await waitForVideo(server.gql, other.id);
  });
});

/**
 * Estimates from seeded history (no worker runs, so nothing moves): medians of the 20 most recent
 * completed jobs of the same shape, and one query per distinct shape on a page.
 */
describe.each(databaseKinds())('estimatedCompletionAt from recent history (%s)', (db) => {
  let server: TestServer;
  let now: number;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ db, env: { JOBS_ENABLED: 'false' } });
    now = Date.now();
    const tenantId = server.app.localTenant.id;
    const em = forkForTenant(server.app.db.orm, tenantId);
    const video = (size: string, status: VideoStatus, times: { submitted: number; started?: number; completed?: number }) =>
      em.create(Video, {
        tenantId, prompt: 'seeded', model: 'sora-2', resolvedModel: 'sora-2-2025-12-08', upstream: 'default', size, seconds: 4, status,
        submittedAt: new Date(times.submitted), startedAt: times.started ? new Date(times.started) : null, completedAt: times.completed ? new Date(times.completed) : null,
      });
    // 25 completed 1280x720 jobs queued 30 s and rendering 1 s … 25 s, the longest most recent.
    for (let i = 1; i <= 25; i++) {
      const submitted = now - 3_600_000 + i * 60_000;
      video('1280x720', VideoStatus.COMPLETED, { submitted, started: submitted + 30_000, completed: submitted + 30_000 + i * 1000 });
    }
    video('720x1280', VideoStatus.COMPLETED, { submitted: now - 600_000, started: now - 599_000, completed: now - 499_000 });
    // A failed job of the shape does not count.
    video('1280x720', VideoStatus.FAILED, { submitted: now - 60_000, started: now - 59_000, completed: now - 1000 });
    for (let i = 0; i < 30; i++) video('1280x720', VideoStatus.IN_PROGRESS, { submitted: now - 5000, started: now - 3000 });
    ids.rendering = video('1280x720', VideoStatus.IN_PROGRESS, { submitted: now - 5000, started: now - 1000 }).id;
    ids.queued = video('1280x720', VideoStatus.QUEUED, { submitted: now - 500 }).id;
    ids.portrait = video('720x1280', VideoStatus.IN_PROGRESS, { submitted: now - 5000, started: now - 2000 }).id;
    ids.unseen = video('1792x1024', VideoStatus.IN_PROGRESS, { submitted: now - 5000, started: now - 2000 }).id;
    ids.finished = video('1280x720', VideoStatus.COMPLETED, { submitted: now - 5000, started: now - 4000, completed: now - 3500 }).id;
    await em.flush();
  });
  afterAll(async () => {
    await server?.close();
  });

  const estimate = async (key: string) => (await server.gql.data(GetVideoLifecycleDocument, { id: toGlobalId('Video', ids[key]) })).video!.estimatedCompletionAt;

  it('uses the medians of the 20 most recent completed jobs of the same snapshot, size and seconds', async () => {
    // The 20 most recent: the finished one (1 s queued, 0.5 s render) and those rendering 7 … 25 s, so
    // median render (15 + 16) / 2 = 15.5 s, not the 13 s of all 25; median queue 30 s.
    expect(ms(await estimate('rendering'))).toBe(now - 1000 + 15_500);
    // Queued for 0.5 s of the median 30 s, then the median render.
    expect(ms(await estimate('queued'))).toBe(now - 500 + 30_000 + 15_500);
    expect(ms(await estimate('portrait'))).toBe(now - 2000 + 100_000);
    expect(await estimate('unseen')).toBeNull();
    expect(await estimate('finished')).toBeNull();
  });

  it('costs one query per distinct shape on the page, however many videos share it', async () => {
    const page = (first: number) => () => server.gql.data(ListVideoTimingsDocument, { first, filter: { status: ['QUEUED', 'IN_PROGRESS'] } });
    const one = await countQueries(server, page(1));
    let shown = 0;
    const all = await countQueries(server, async () => {
      const { videos } = await page(50)();
      shown = videos.nodes.length;
      expect(videos.nodes.filter((v) => v.estimatedCompletionAt !== null)).toHaveLength(shown - 1);
    });
    expect(shown).toBe(34);
    // 34 running videos of three shapes: two more estimate queries than for one video.
    expect(all).toBe(one + 2);
    expect(one).toBeLessThanOrEqual(4);
  });
});
