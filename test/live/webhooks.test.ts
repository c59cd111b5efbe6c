import { forkForWorkers } from '../../src/db/tenant-scoped';
import { generateWebhookSecret, signWebhook } from '../../src/emulator';
import { Task } from '../../src/jobs/task.entity';
import { EventRecord } from '../../src/modules/events/event.entity';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoStatus } from '../../src/modules/videos/video.enums';
import { planUpstreamState } from '../../src/modules/videos/video.state';
import { WebhookDelivery } from '../../src/modules/webhooks/webhook-delivery.entity';
import { CreateVideoDocument, ListEventsDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

const secret = generateWebhookSecret();

describe.each(databaseKinds())('webhook intake and the transition function (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { OPENAI_WEBHOOK_SECRET: secret } });
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => server.app.emulator!.faults.clear());

  const em = () => forkForWorkers(server.app.db.orm);
  const counts = async () => ({ deliveries: await em().count(WebhookDelivery), tasks: await em().count(Task), events: await em().count(EventRecord) });
  let n = 0;
  function delivery(type: string, dataId: string, overrides: { secret?: string; timestamp?: number; id?: string } = {}) {
    const id = overrides.id ?? `wh_test_${db}_${++n}`;
    const timestamp = String(overrides.timestamp ?? Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ id: `evt_${n}`, object: 'event', created_at: Number(timestamp), type, data: { id: dataId } });
    const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signWebhook(overrides.secret ?? secret, id, timestamp, body) };
    return { id, body, headers };
  }
  const post = (body: string, headers: Record<string, string>) => fetch(`${server.app.origin}/webhooks/openai`, { method: 'POST', headers, body });

  it('refuses forged, tampered, stale and future deliveries with 400 and changes nothing', async () => {
    const before = await counts();
    const good = delivery('video.completed', 'video_abc');
    const cases: [string, string, Record<string, string>][] = [
      ['wrong secret', ...(Object.values(delivery('video.completed', 'video_abc', { secret: generateWebhookSecret() })).slice(1) as [string, Record<string, string>])],
      ['tampered body', good.body.replace('video_abc', 'video_xyz'), good.headers],
      ['missing signature', good.body, { ...good.headers, 'webhook-signature': '' }],
      ['missing id', good.body, Object.fromEntries(Object.entries(good.headers).filter(([k]) => k !== 'webhook-id'))],
      ['stale timestamp', ...(Object.values(delivery('video.completed', 'video_abc', { timestamp: Math.floor(Date.now() / 1000) - 3600 })).slice(1) as [string, Record<string, string>])],
      ['future timestamp', ...(Object.values(delivery('video.completed', 'video_abc', { timestamp: Math.floor(Date.now() / 1000) + 3600 })).slice(1) as [string, Record<string, string>])],
    ];
    for (const [name, body, headers] of cases) {
      const response = await post(body, headers);
      expect([name, response.status]).toEqual([name, 400]);
    }
    expect(await counts()).toEqual(before);
  });

  it('acknowledges a redelivery without processing it twice, and unknown event types without failing', async () => {
    const first = delivery('video.completed', 'video_not_ours');
    const a = await post(first.body, first.headers);
    expect(a.status).toBe(200);
    expect(await a.json()).toEqual({ received: true, duplicate: false });
    const again = await post(first.body, first.headers);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await em().count(WebhookDelivery, { id: first.id })).toBe(1);
    expect((await em().findOneOrFail(WebhookDelivery, { id: first.id })).outcome).toBe('unmatched');

    const unknown = delivery('fine_tuning.job.succeeded', 'ftjob_1');
    expect((await post(unknown.body, unknown.headers)).status).toBe(200);
    expect((await em().findOneOrFail(WebhookDelivery, { id: unknown.id })).outcome).toBe('ignored');
  });

  it('duplicated webhooks from the upstream lead to one transition per change', async () => {
    server.app.emulator!.faults.set({ webhooks: { duplicate: 5 } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A twice-told tale', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id);
    const { events } = await server.gql.data(ListEventsDocument, { subjectId: createVideo.video.id, first: 100 });
    const log = events.edges.map((e) => e.node);
    expect(log.filter((e) => e.status === 'COMPLETED')).toHaveLength(1);
    expect(log.map((e) => e.version)).toEqual(log.map((_, i) => log[0].version + i));
    const video = await em().findOneOrFail(Video, { upstreamStatus: 'completed', prompt: 'A twice-told tale' });
    expect(await em().count(WebhookDelivery, { objectId: video.upstreamId })).toBe(1);
  });

  it('a dropped webhook still ends in COMPLETED through the reconciler', async () => {
    server.app.emulator!.faults.set({ webhooks: { drop: 1 } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A message lost at sea', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id);
    const video = await em().findOneOrFail(Video, { prompt: 'A message lost at sea' });
    expect(await em().count(WebhookDelivery, { objectId: video.upstreamId })).toBe(0);
  });

  it('a late in_progress after completion changes nothing; racing sources apply a change once', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A race at the finish line', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id);
    const video = await em().findOneOrFail(Video, { prompt: 'A race at the finish line' });
    const transitions = server.app.internals.pipeline.transitions;
    const eventsBefore = await em().count(EventRecord, { subjectId: video.id });

    const late = await transitions.apply(em(), video.id, (current) => planUpstreamState(current, { id: video.upstreamId!, status: 'in_progress', progress: 10 }));
    expect(late).toMatchObject({ status: 'COMPLETED', progress: 100, version: video.version });

    // A job row still QUEUED (written directly, so no poller touches it): ten sources report the
    // same upstream progress at once. Exactly one wins; the others see the newer row and stop.
    const fork = em();
    const queued = fork.create(Video, {
      tenantId: server.app.localTenant.id, prompt: 'Ten reporters', model: 'sora-2', upstream: 'default', size: '1280x720', seconds: 4,
      status: VideoStatus.QUEUED, upstreamId: 'video_race', upstreamStatus: 'queued',
    });
    await fork.flush();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => transitions.apply(em(), queued.id, (current) => planUpstreamState(current, { id: 'video_race', status: 'in_progress', progress: 50 }))),
    );
    expect(results.every((r) => r?.version === queued.version + 1 && r.status === 'IN_PROGRESS' && r.progress === 50)).toBe(true);
    expect(await em().count(EventRecord, { subjectId: queued.id })).toBe(1);
    expect(await em().count(EventRecord, { subjectId: video.id })).toBe(eventsBefore);
  });
});
