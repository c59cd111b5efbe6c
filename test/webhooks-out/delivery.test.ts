import { Webhook } from 'standardwebhooks';
import { WebhookEndpoint } from '../../src/modules/webhook-endpoints/webhook-endpoint.entity';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { fromGlobalId } from '../../src/graphql/relay';
import {
  CreateVideoDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  JobWebhookSecretDocument,
  ListEventsDocument,
  ListWebhookEndpointsDocument,
  RedeliverWebhookDocument,
  RotateWebhookEndpointSecretDocument,
  type WebhookEventType,
} from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { freePort } from '../support/process';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { deliveries, FAST_WEBHOOKS_ENV, verified, waitForDelivery } from './helpers';
import { Receiver } from './receiver';

describe.each(databaseKinds())('outbound webhooks: delivery (%s)', (db) => {
  let server: TestServer;
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startTestServer({ db, env: FAST_WEBHOOKS_ENV });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });
  afterEach(async () => {
    // Each test starts with no endpoints, so earlier ones do not receive its events.
    const { webhookEndpoints } = await server.gql.data(ListWebhookEndpointsDocument, { first: 100 });
    for (const endpoint of webhookEndpoints.nodes) await server.gql.data(DeleteWebhookEndpointDocument, { input: { endpointId: endpoint.id } });
  });

  async function endpoint(url: string, events: WebhookEventType[] = ['VIDEO_COMPLETED']) {
    return (await server.gql.data(CreateWebhookEndpointDocument, { input: { url, events, description: 'test' } })).createWebhookEndpoint;
  }

  async function completedVideo(prompt: string, webhookUrl?: string): Promise<string> {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt, size: '1280x720', webhookUrl } });
    await waitForVideo(server.gql, createVideo.video.id);
    return createVideo.video.id;
  }

  it('a completed job produces exactly one verified delivery per subscribed endpoint', async () => {
    const a = await endpoint(receiver.url('/one/a'));
    const b = await endpoint(receiver.url('/one/b'));
    const failedOnly = await endpoint(receiver.url('/one/failed-only'), ['VIDEO_FAILED']);
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    const videoId = await completedVideo('one delivery each');
    const [atA] = await receiver.waitFor(1, '/one/a');
    const [atB] = await receiver.waitFor(1, '/one/b');
    const payload = verified(a.secret, atA);
    expect(payload).toMatchObject({ type: 'video.completed', data: { object: { id: videoId, status: 'COMPLETED', prompt: 'one delivery each', size: '1280x720', seconds: 4, error: null } } });
    expect(payload.data.object.completedAt).toEqual(expect.any(String));
    expect(verified(b.secret, atB).id).toBe(payload.id);
    expect(atA.headers['webhook-id']).toBe(payload.id);
    // Each endpoint's secret is its own.
    expect(() => new Webhook(b.secret).verify(atA.body, atA.headers)).toThrow();

    const [delivered] = await Promise.all([
      waitForDelivery(server.gql, a.endpoint.id, (d) => d.status === 'DELIVERED', 'delivery to a'),
      waitForDelivery(server.gql, b.endpoint.id, (d) => d.status === 'DELIVERED', 'delivery to b'),
    ]);
    expect(delivered).toMatchObject({ attempts: 1, lastResponseCode: 204, eventType: 'VIDEO_COMPLETED', eventId: payload.id, nextAttemptAt: null, endpoint: { id: a.endpoint.id } });
    expect(delivered.lastLatencyMs).toEqual(expect.any(Number));
    expect(await deliveries(server.gql, failedOnly.endpoint.id)).toEqual([]);

    // Redelivery is the only way the same message comes again: same webhook-id, same body.
    const { redeliverWebhook } = await server.gql.data(RedeliverWebhookDocument, { input: { deliveryId: delivered.id } });
    expect(redeliverWebhook.delivery).toMatchObject({ status: 'PENDING', eventId: payload.id });
    const again = await receiver.waitFor(2, '/one/a');
    expect(again[1].body).toBe(atA.body);
    expect(verified(a.secret, again[1]).id).toBe(payload.id);
    await waitForDelivery(server.gql, a.endpoint.id, (d) => d.id === redeliverWebhook.delivery.id && d.status === 'DELIVERED', 'redelivery');
    // Positive control above: messages flow. b and the failed-only endpoint got nothing more.
    expect(receiver.at('/one/b')).toHaveLength(1);
    expect(receiver.at('/one/failed-only')).toHaveLength(0);
  });

  it('retries a receiver that answers 503, resets, or is not listening yet, and delivers later', async () => {
    receiver.reply('/flaky', 503, 'reset', 500);
    const flaky = await endpoint(receiver.url('/flaky'));
    const port = await freePort();
    const down = await endpoint(`http://127.0.0.1:${port}/late`);

    const videoId = await completedVideo('retried');
    const attempts = await receiver.waitFor(4, '/flaky');
    for (const attempt of attempts) expect(verified(flaky.secret, attempt).data.object.id).toBe(videoId);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    const done = await waitForDelivery(server.gql, flaky.endpoint.id, (d) => d.status === 'DELIVERED', 'flaky delivered');
    expect(done).toMatchObject({ attempts: 4, lastResponseCode: 204, lastError: null });

    const failing = await waitForDelivery(server.gql, down.endpoint.id, (d) => d.attempts >= 2, 'two refused attempts');
    expect(failing).toMatchObject({ status: 'PENDING', lastResponseCode: null });
    expect(failing.lastError).toMatch(/^network: /);
    const late = await Receiver.start(port);
    try {
      const [got] = await late.waitFor(1, '/late');
      expect(verified(down.secret, got).data.object.id).toBe(videoId);
      await waitForDelivery(server.gql, down.endpoint.id, (d) => d.status === 'DELIVERED', 'late delivery');
    } finally {
      await late.close();
    }
  });

  it('410 Gone disables the endpoint with an event; later events are not sent to it', async () => {
    receiver.reply('/gone', 410);
    const gone = await endpoint(receiver.url('/gone'));
    await completedVideo('gone once');
    await receiver.waitFor(1, '/gone');
    const failed = await waitForDelivery(server.gql, gone.endpoint.id, (d) => d.status === 'FAILED', 'failed on 410');
    expect(failed).toMatchObject({ attempts: 1, lastResponseCode: 410 });
    const listed = (await server.gql.data(ListWebhookEndpointsDocument, {})).webhookEndpoints.nodes.find((e) => e.id === gone.endpoint.id);
    expect(listed).toMatchObject({ enabled: false, disabledReason: 'GONE' });
    const { events } = await server.gql.data(ListEventsDocument, { subjectId: undefined, first: 100 });
    expect(events.edges.map((e) => e.node)).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'WEBHOOK_ENDPOINT', status: 'DISABLED', errorCode: 'ENDPOINT_GONE' })]));

    const control = await endpoint(receiver.url('/gone-control'));
    const second = await completedVideo('after gone');
    const [got] = await receiver.waitFor(1, '/gone-control');
    expect(verified(control.secret, got).data.object.id).toBe(second);
    expect(receiver.at('/gone')).toHaveLength(1);
  });

  it('an endpoint failing for OUTBOUND_WEBHOOKS_DISABLE_AFTER_DAYS is disabled with an event', async () => {
    receiver.reply('/failing', 500, 500, 500);
    const failing = await endpoint(receiver.url('/failing'));
    const id = fromGlobalId(failing.endpoint.id)!.id;
    await forkForWorkers(server.app.db.orm).nativeUpdate(WebhookEndpoint, { id }, { failingSince: new Date(Date.now() - 6 * 24 * 3600 * 1000) });
    await completedVideo('failing for days');
    const delivery = await waitForDelivery(server.gql, failing.endpoint.id, (d) => d.status === 'FAILED', 'given up');
    expect(delivery).toMatchObject({ attempts: 1, lastResponseCode: 500 });
    const listed = (await server.gql.data(ListWebhookEndpointsDocument, {})).webhookEndpoints.nodes.find((e) => e.id === failing.endpoint.id);
    expect(listed).toMatchObject({ enabled: false, disabledReason: 'FAILING' });
    const { events } = await server.gql.data(ListEventsDocument, { first: 100 });
    expect(events.edges.map((e) => e.node)).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'WEBHOOK_ENDPOINT', subjectId: failing.endpoint.id, errorCode: 'ENDPOINT_FAILING' })]));
  });

  it('after a rotation both the old and the new secret verify, during the overlap', async () => {
    const created = await endpoint(receiver.url('/rotated'));
    const { rotateWebhookEndpointSecret: rotated } = await server.gql.data(RotateWebhookEndpointSecretDocument, { input: { endpointId: created.endpoint.id } });
    expect(rotated.secret).not.toBe(created.secret);
    expect(new Date(rotated.endpoint.previousSecretExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);

    await completedVideo('rotated');
    const [got] = await receiver.waitFor(1, '/rotated');
    expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verified(created.secret, got).type).toBe('video.completed');
    expect(verified(rotated.secret, got).type).toBe('video.completed');
    const stranger = (await endpoint(receiver.url('/stranger'))).secret;
    expect(() => verified(stranger, got)).toThrow();
  });

  it('a per-job webhookUrl gets that job\'s terminal state once, signed with the job webhook secret', async () => {
    const videoId = await completedVideo('job callback', receiver.url('/job'));
    const [got] = await receiver.waitFor(1, '/job');
    const { jobWebhookSecret } = await server.gql.data(JobWebhookSecretDocument, {});
    expect(verified(jobWebhookSecret.secret, got)).toMatchObject({ type: 'video.completed', data: { object: { id: videoId, status: 'COMPLETED' } } });
    const delivery = await waitForDelivery(server.gql, undefined, (d) => d.jobUrl === receiver.url('/job') && d.status === 'DELIVERED', 'job callback delivered');
    expect(delivery.endpoint).toBeNull();
    // A job without webhookUrl sends nothing there (the job above is the positive control).
    // Deliveries are written in the transaction that completes the job, so by now one would exist.
    const other = await completedVideo('no callback');
    expect((await deliveries(server.gql)).filter((d) => d.payload.includes(other))).toEqual([]);
    expect(receiver.at('/job')).toHaveLength(1);
  });
});
