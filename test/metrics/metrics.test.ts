import type { IncomingMessage } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { metricsAccess, routeLabel } from '../../src/metrics/metrics.routes';
import { CreateVideoDocument, VideoUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';
import { sseClient, sseUrl } from '../support/sse';
import { subscribe, wsClient } from '../support/ws';

/** The value of one series in a Prometheus text body, or undefined when it is absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[4]);
  }
  return undefined;
}

describe.each(databaseKinds())('/metrics (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(() => server.close());

  const scrape = async (headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.app.origin}/metrics`, { headers });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };

  it('shows the job, operation, upstream, SQL, HTTP and subscription series after a job completes', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const client = wsClient(server.wsUrl);
    try {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A lighthouse at dusk', size: '1280x720', seconds: 4 } });
      const sub = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await sub.until((v) => v.videoUpdated.status !== undefined);
      const open = await scrape();
      expect(sample(open.body, 'reelgraph_subscriptions_open', { transport: 'websocket' })).toBe(1);
      await waitForVideo(server.gql, createVideo.video.id);
      sub.close();
      // The server learns of the completion when the client's complete message arrives.
      await eventually(async () => sample((await scrape()).body, 'reelgraph_subscriptions_open', { transport: 'websocket' }) === 0, { what: 'the subscription to be counted closed' });
    } finally {
      await client.dispose();
    }
    await server.gql.request('query { nope }');
    const forged = await fetch(`${server.app.origin}/webhooks/openai`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"video.completed"}' });
    expect(forged.status).toBe(400);
    // The embedded upstream signs a webhook per finished job; it may land just after the poll saw COMPLETED.
    await eventually(async () => (sample((await scrape()).body, 'reelgraph_webhooks_received_total', { result: 'accepted' }) ?? 0) >= 1, { what: 'an accepted webhook' });
    const { body } = await scrape();
    expect(sample(body, 'reelgraph_jobs', { status: 'COMPLETED', model: 'sora-2' })).toBe(1);
    expect(sample(body, 'reelgraph_graphql_operations_total', { operation: 'CreateVideo', result: 'ok' })).toBe(1);
    expect(sample(body, 'reelgraph_graphql_operation_duration_seconds_count', { operation: 'CreateVideo', result: 'ok' })).toBe(1);
    expect(sample(body, 'reelgraph_graphql_operation_duration_seconds_sum', { operation: 'CreateVideo', result: 'ok' })).toBeLessThan(10);
    expect(sample(body, 'reelgraph_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    // create, then at least one poll and the asset downloads.
    expect(sample(body, 'reelgraph_upstream_calls_total', { upstream: 'default', outcome: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'reelgraph_webhooks_received_total', { result: 'rejected' })).toBe(1);
    expect(sample(body, 'reelgraph_sql_statements_total')).toBeGreaterThan(10);
    expect(sample(body, 'reelgraph_http_requests_total', { route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(sample(body, 'reelgraph_http_requests_total', { route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'reelgraph_task_queue_depth', { state: 'due' })).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'reelgraph_task_queue_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(body, 'reelgraph_task_queue_oldest_due_age_seconds')).toBeLessThan(60);
  }, 90_000);

  it('stops counting the subscriptions of a socket that drops without completing them', async () => {
    let socket: WebSocket | undefined;
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, on: { opened: (opened) => (socket = opened as WebSocket) } });
    const open = () => scrape().then((r) => sample(r.body, 'reelgraph_subscriptions_open', { transport: 'websocket' }));
    try {
      for (const after of [null, null]) client.subscribe({ query: 'subscription ($after: String) { events(after: $after) { cursor } }', variables: { after } }, { next: () => {}, error: () => {}, complete: () => {} });
      await eventually(async () => (await open()) === 2, { what: 'two open subscriptions' });
      socket?.terminate();
      await eventually(async () => (await open()) === 0, { what: 'the dropped socket\'s subscriptions to be uncounted' });
    } finally {
      await client.dispose();
    }
  });

  it('refuses a client forwarded by a proxy on this machine, and serves the same request without it', async () => {
    const forwarded = await scrape({ 'x-forwarded-for': '203.0.113.7' });
    expect(forwarded.status).toBe(403);
    expect(JSON.parse(forwarded.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await scrape({ 'x-forwarded-for': '127.0.0.1' })).status).toBe(200);
  });

  it('counts open SSE streams under transport="sse", back to 0 when the stream ends', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A harbour at noon', size: '1280x720', seconds: 4 } });
    const client = sseClient(sseUrl(server.graphqlUrl));
    try {
      expect(sample((await scrape()).body, 'reelgraph_subscriptions_open', { transport: 'sse' })).toBe(0);
      const sub = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await sub.until((v) => v.videoUpdated.status !== undefined);
      expect(sample((await scrape()).body, 'reelgraph_subscriptions_open', { transport: 'sse' })).toBe(1);
      sub.close();
      await eventually(async () => sample((await scrape()).body, 'reelgraph_subscriptions_open', { transport: 'sse' }) === 0, { what: 'the SSE stream to be counted closed' });
    } finally {
      client.dispose();
    }
    await waitForVideo(server.gql, createVideo.video.id);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: 'scrape-secret-1' } });
  });
  afterAll(() => server.close());

  const scrape = (headers: Record<string, string> = {}) => fetch(`${server.app.origin}/metrics`, { headers });

  it('requires the bearer token, even from loopback', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await scrape({ authorization: 'Bearer scrape-secret-1' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('reelgraph_http_requests_total');
  });

  it('keeps each instance in its own registry', async () => {
    const other = await startTestServer();
    try {
      await other.gql.request('query { __typename }');
      const body = await (await fetch(`${other.app.origin}/metrics`)).text();
      expect(sample(body, 'reelgraph_graphql_operations_total', { operation: 'anonymous', result: 'ok' })).toBe(1);
      expect(server.app.metrics.registry).not.toBe(other.app.metrics.registry);
    } finally {
      await other.close();
    }
  });
});

describe('metrics access decision', () => {
  const request = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

  it('answers loopback peers without a token, refuses others', () => {
    expect(metricsAccess(request('127.0.0.1'), undefined)).toBe('ok');
    expect(metricsAccess(request('::1'), undefined)).toBe('ok');
    expect(metricsAccess(request('::ffff:127.0.0.1'), undefined)).toBe('ok');
    expect(metricsAccess(request('10.1.2.3'), undefined)).toBe('forbidden');
    // A remote client cannot claim to be loopback: its X-Forwarded-For is not believed.
    expect(metricsAccess(request('10.1.2.3', { 'x-forwarded-for': '127.0.0.1' }), undefined)).toBe('forbidden');
  });

  it('with a token, requires exactly that token from anyone', () => {
    expect(metricsAccess(request('10.1.2.3', { authorization: 'Bearer t0ken' }), 't0ken')).toBe('ok');
    expect(metricsAccess(request('127.0.0.1'), 't0ken')).toBe('unauthorized');
    expect(metricsAccess(request('127.0.0.1', { authorization: 'Bearer t0ke' }), 't0ken')).toBe('unauthorized');
  });

  it('labels routes from a fixed set', () => {
    expect(routeLabel('/media/abc.def/video.mp4')).toBe('/media');
    expect(routeLabel('/graphql?query={a}')).toBe('/graphql');
    expect(routeLabel('/nope/x')).toBe('other');
  });
});
