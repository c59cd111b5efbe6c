import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { WebhookEndpoint, WebhookEventType as EventType } from '../../src/modules/webhook-endpoints/webhook-endpoint.entity';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { generateSigningSecret } from '../../src/modules/webhook-endpoints/webhook-signing';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { toGlobalId } from '../../src/graphql/relay';
import {
  CreateVideoDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  ListWebhookDeliveriesDocument,
  ListWebhookEndpointsDocument,
  RotateWebhookEndpointSecretDocument,
  UpdateWebhookEndpointDocument,
  type WebhookEventType,
} from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import type { GqlClient } from '../support/graphql-client';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { FAST_WEBHOOKS_ENV, waitForDelivery } from './helpers';
import { Receiver } from './receiver';

/** Public address literals (no DNS needed); nothing is ever delivered to them in these tests. */
const PUBLIC = 'https://93.184.215.14';

describe.each(databaseKinds())('outbound webhooks: private targets and bad input (%s)', (db) => {
  let server: TestServer;
  let admin: GqlClient;
  let member: GqlClient;
  let beta: GqlClient;
  let receiver: Receiver;

  beforeAll(async () => {
    server = await startTestServer({
      db,
      env: { ...FAST_WEBHOOKS_ENV, OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: 'false', OUTBOUND_WEBHOOKS_MAX_ENDPOINTS: '3', OUTBOUND_WEBHOOKS_TIMEOUT_MS: '1000' },
    });
    const keys = server.app.internals.apiKeys;
    admin = server.gql.with({ authorization: `Bearer ${(await keys.create('acme', Role.ADMIN, 'admin')).secret}` });
    member = server.gql.with({ authorization: `Bearer ${(await keys.create('acme', Role.MEMBER, 'member')).secret}` });
    beta = server.gql.with({ authorization: `Bearer ${(await keys.create('beta', Role.ADMIN, 'beta')).secret}` });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  const create = (gql: GqlClient, url: string, events: WebhookEventType[] | string[] = ['VIDEO_COMPLETED']) =>
    gql.request(CreateWebhookEndpointDocument, { input: { url, events: events as WebhookEventType[], description: '' } });

  async function endpointCount(): Promise<number> {
    return (await admin.data(ListWebhookEndpointsDocument, { first: 100 })).webhookEndpoints.nodes.length;
  }

  it.each([
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://10.1.2.3/hook',
    'https://172.20.0.5/hook',
    'https://192.168.0.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.1.1/hook',
    'https://0.0.0.0/hook',
    'https://224.0.0.1/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
  ])('refuses the private target %s, naming input.url, and writes nothing', async (url) => {
    const response = await create(admin, url);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect(response.errors?.[0].message).toMatch(/not reachable as an outbound target: .*non-public address; use a public address/);
    expect(await endpointCount()).toBe(0);
  });

  it.each([
    ['not a URL', 'not a url', /must be an absolute URL/],
    ['ftp', 'ftp://93.184.215.14/hook', /must use https \(got ftp\)/],
    ['http outside local mode', 'http://93.184.215.14/hook', /must use https \(got http\)/],
    ['credentials', 'https://user:pw@93.184.215.14/hook', /must not carry a user name or password/],
    ['a URL over 2048 characters', `${PUBLIC}/${'x'.repeat(2100)}`, /at most 2048 are allowed/],
  ])('refuses %s with a message that says what to change', async (_label, url, message) => {
    const response = await create(admin, url);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect(response.errors?.[0].message).toMatch(message);
    expect(await endpointCount()).toBe(0);
  });

  it('refuses empty and unknown events, member keys and more endpoints than the limit', async () => {
    const empty = await create(admin, `${PUBLIC}/hook`, []);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.events' });
    const unknown = await create(admin, `${PUBLIC}/hook`, ['VIDEO_EXPLODED']);
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$input' });
    expect(unknown.errors?.[0].message).toMatch(/at "input\.events\[0\]"; Value "VIDEO_EXPLODED" does not exist in "WebhookEventType" enum/);
    const forbidden = await create(member, `${PUBLIC}/hook`);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await endpointCount()).toBe(0);

    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await admin.data(CreateWebhookEndpointDocument, { input: { url: `${PUBLIC}/hook/${n}`, events: ['BATCH_COMPLETED'], description: '' } })).createWebhookEndpoint.endpoint.id);
    const over = await create(admin, `${PUBLIC}/hook/4`);
    expect(over.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 3 });
    expect(over.errors?.[0].message).toMatch(/OUTBOUND_WEBHOOKS_MAX_ENDPOINTS = 3/);
    expect(await endpointCount()).toBe(3);

    // Another tenant's endpoint does not exist for beta.
    for (const response of [
      await beta.request(UpdateWebhookEndpointDocument, { input: { endpointId: ids[0], enabled: false } }),
      await beta.request(RotateWebhookEndpointSecretDocument, { input: { endpointId: ids[0] } }),
      await beta.request(DeleteWebhookEndpointDocument, { input: { endpointId: ids[0] } }),
      await beta.request(ListWebhookDeliveriesDocument, { endpointId: ids[0] }),
    ]) {
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await beta.data(ListWebhookEndpointsDocument, {})).webhookEndpoints.nodes).toEqual([]);
    const privateUpdate = await admin.request(UpdateWebhookEndpointDocument, { input: { endpointId: ids[0], url: 'https://10.0.0.1/x' } });
    expect(privateUpdate.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url' });
    expect((await admin.data(ListWebhookEndpointsDocument, {})).webhookEndpoints.nodes.find((e) => e.id === ids[0])?.url).toBe(`${PUBLIC}/hook/1`);
    for (const id of ids) await admin.data(DeleteWebhookEndpointDocument, { input: { endpointId: id } });
  });

  it('refuses a private per-job webhookUrl and a private inputReferenceUrl before anything is written or sent', async () => {
    const images = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('x'));
    images.listen(0, '127.0.0.1');
    await once(images, 'listening');
    let hits = 0;
    images.on('request', () => hits++);
    const before = server.app.emulator!.record.count();
    try {
      const hook = await admin.request(CreateVideoDocument, { input: { prompt: 'private hook', size: '1280x720', webhookUrl: receiver.url('/job') } });
      expect(hook.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.webhookUrl' });
      const { port } = images.address() as AddressInfo;
      const reference = await admin.request(CreateVideoDocument, { input: { prompt: 'private reference', size: '1280x720', inputReferenceUrl: `https://127.0.0.1:${port}/frame.png` } });
      expect(reference.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputReferenceUrl' });
      expect(server.app.emulator!.record.count()).toBe(before);
      expect(hits).toBe(0);
    } finally {
      images.close();
    }
  });

  it('checks the target again at delivery time: an endpoint whose host now points at loopback gets nothing', async () => {
    // As if the endpoint's DNS name had been re-pointed at loopback after it was accepted.
    const tenant = await server.app.db.orm.em.fork().findOneOrFail(Tenant, { slug: 'acme' });
    const em = forkForWorkers(server.app.db.orm);
    const row = em.create(WebhookEndpoint, { tenantId: tenant.id, url: receiver.url('/rebound'), events: [EventType.VIDEO_COMPLETED], secret: generateSigningSecret() });
    await em.flush();

    const { createVideo } = await admin.data(CreateVideoDocument, { input: { prompt: 'rebound', size: '1280x720' } });
    await waitForVideo(admin, createVideo.video.id);
    const endpointId = toGlobalId('WebhookEndpoint', row.id);
    const refused = await waitForDelivery(admin, endpointId, (d) => d.attempts >= 1, 'a refused attempt');
    expect(refused.lastResponseCode).toBeNull();
    expect(refused.lastError).toMatch(/^refused: '127\.0\.0\.1' is or resolves to 127\.0\.0\.1/);
    expect(receiver.at('/rebound')).toHaveLength(0);
  });
});
