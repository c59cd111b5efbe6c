import { CreateVideoDocument, EventsStreamDocument, ListEventsDocument, VideoUpdatedDocument, VideosUpdatedDocument, ViewerDocument } from '../generated/graphql';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { rawStream, refusedResponse, sseClient, sseUrl } from '../support/sse';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';
import { subscribe, type Subscription, wsClient } from '../support/ws';

type VideoState = { status: string; progress: number; downloadUrl: string | null };
type ErrorBody = { errors: { message: string; extensions?: Record<string, unknown> }[] };

/** Statuses never go back, progress never decreases, something is seen in between, and the end is COMPLETED with a working download. */
async function expectFollowedToCompletion(states: VideoState[]): Promise<void> {
  const rank: Record<string, number> = { PENDING: 0, QUEUED: 1, IN_PROGRESS: 2, COMPLETED: 3, FAILED: 3, CANCELLED: 3 };
  expect(states[0].status).toBe('QUEUED');
  for (let i = 1; i < states.length; i++) {
    expect(rank[states[i].status]).toBeGreaterThanOrEqual(rank[states[i - 1].status]);
    expect(states[i].progress).toBeGreaterThanOrEqual(states[i - 1].progress);
  }
  expect(states.some((s) => s.status === 'IN_PROGRESS')).toBe(true);
  const last = states[states.length - 1];
  expect([last.status, last.progress]).toEqual(['COMPLETED', 100]);
  expect(states.slice(0, -1).every((s) => s.downloadUrl === null)).toBe(true);
  const mp4 = await fetch(last.downloadUrl as string);
  expect([mp4.status, mp4.headers.get('content-type')]).toEqual([200, 'video/mp4']);
}

/** A raw POST of one operation, as curl would send it; returns the status and the parsed JSON body. */
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: ErrorBody; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers }, body });
  return { status: response.status, json: (await response.json()) as ErrorBody, headers: response.headers };
}

describe.each(databaseKinds())('GraphQL over SSE (%s)', (db) => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { SSE_KEEPALIVE_MS: '300', MAX_QUERY_DEPTH: '8' } });
    url = sseUrl(server.graphqlUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([false, true])('a graphql-sse client follows a job to COMPLETED over videoUpdated (single connection: %s)', async (singleConnection) => {
    const client = sseClient(url, { singleConnection });
    try {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A hummingbird at a feeder', size: '1280x720', seconds: 4 } });
      const sub = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await sub.done;
      expect(sub.errors).toEqual([]);
      await expectFollowedToCompletion(sub.values.map((v) => v.videoUpdated));
    } finally {
      client.dispose();
    }
  });

  it('runs queries and mutations too, with the same rules: no mutation over GET', async () => {
    const client = sseClient(url, { singleConnection: true });
    try {
      const created = subscribe(client, CreateVideoDocument, { input: { prompt: 'A mutation over SSE', size: '1280x720' } });
      const viewer = subscribe(client, ViewerDocument, {});
      await Promise.all([created.done, viewer.done]);
      expect(viewer.values).toEqual([{ viewer: expect.objectContaining({ local: true }) }]);
      const id = created.values[0].createVideo.video.id;
      expect((await waitForVideo(server.gql, id)).status).toBe('COMPLETED');
    } finally {
      client.dispose();
    }
    // The raw protocol, as curl sees it: GET with the operation in the query string.
    const query = encodeURIComponent('{ viewer { local } }');
    const stream = await rawStream(`${url}?query=${query}`);
    await stream.ended;
    expect(stream.response.status).toBe(200);
    expect(stream.messages.filter((m) => !m.comment)).toEqual([
      { comment: false, event: 'next', data: { data: { viewer: { local: true } } } },
      { comment: false, event: 'complete', data: null },
    ]);
    const mutation = encodeURIComponent('mutation { createVideo(input: { prompt: "via GET", size: "1280x720" }) { video { id } } }');
    const before = server.app.emulator!.record.count();
    const refused = await fetch(`${url}?query=${mutation}`, { headers: { accept: 'text/event-stream' } });
    expect([refused.status, refused.headers.get('allow')]).toEqual([405, 'POST']);
    expect(((await refused.json()) as ErrorBody).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', allowed: ['POST'] });
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('a bad operation gets an error with a stable code, next to live streams that carry on', async () => {
    const single = sseClient(url, { singleConnection: true });
    const distinct = sseClient(url);
    const active = server.app.internals.cohorts.stats.active;
    try {
      const feeds = [subscribe(single, VideosUpdatedDocument, {}), subscribe(distinct, VideosUpdatedDocument, {})];
      await eventually(() => server.app.internals.cohorts.stats.active === active + 2, { what: 'both feeds to be open' });
      let deep = 'id';
      for (let i = 0; i < 9; i++) deep = `source { ${deep} }`;
      const bad = {
        'subscription {': 'GRAPHQL_PARSE_FAILED',
        'subscription { noSuchField }': 'GRAPHQL_VALIDATION_FAILED',
        [`subscription { videosUpdated { ${deep} } }`]: 'QUERY_TOO_COMPLEX',
        'subscription { videoUpdated(id: "VmlkZW86MDFNN1k4S1k4N05WSkFHRkM5MUdHQ0tITTI") { id } }': 'NOT_FOUND',
      };
      for (const client of [single, distinct]) {
        for (const [query, code] of Object.entries(bad)) {
          const result = await new Promise<{ errors?: { extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
            let last = {};
            client.subscribe({ query }, { next: (value) => (last = value), error: reject, complete: () => resolve(last) });
          });
          expect([query, result.errors?.[0].extensions?.code]).toEqual([query, code]);
        }
      }
      // Malformed requests are answered before any stream, with a code too.
      expect(await post(url, '{"query": 5}')).toMatchObject({ status: 400, json: { errors: [{ message: 'Invalid query', extensions: { code: 'BAD_REQUEST' } }] } });
      expect((await post(url, '{"query": ')).status).toBe(400);
      const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', accept: 'text/event-stream' }, body: '{ viewer { local } }' });
      expect([plain.status, ((await plain.json()) as ErrorBody).errors[0].extensions?.code]).toEqual([415, 'BAD_REQUEST']);
      const noStream = await post(url, '{"query": "{ viewer { local } }"}', { accept: 'application/json' });
      expect([noStream.status, noStream.json.errors?.[0].extensions?.code]).toEqual([404, 'NOT_FOUND']);
      const unknownToken = await post(url, '{"query": "{ viewer { local } }"}', { accept: 'application/json', 'x-graphql-event-stream-token': 'nope' });
      expect([unknownToken.status, unknownToken.json.errors?.[0].extensions?.code]).toEqual([404, 'NOT_FOUND']);

      // The live streams were not disturbed: both see the next video.
      expect(server.app.internals.cohorts.stats.active).toBe(active + 2);
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'Still listening', size: '1280x720' } });
      await Promise.all(feeds.map((feed) => feed.until((v) => v.videosUpdated.id === createVideo.video.id)));
      expect(feeds.flatMap((feed) => feed.errors)).toEqual([]);
    } finally {
      single.dispose();
      distinct.dispose();
    }
  });

  it('resuming events(after:) replays exactly what was missed: nothing lost, nothing repeated', async () => {
    const client = sseClient(url);
    try {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A resumable sunrise', size: '1280x720', seconds: 4 } });
      const id = createVideo.video.id;
      const live = subscribe(client, EventsStreamDocument, { subjectId: id });
      await live.until((e) => e.events.status === 'IN_PROGRESS');
      live.close();
      const seen = live.values.map((e) => e.events);
      const cursor = seen[seen.length - 1].cursor;

      await waitForVideo(server.gql, id);
      const { events } = await server.gql.data(ListEventsDocument, { subjectId: id, after: cursor, first: 100 });
      const missed = events.edges.map((e) => e.node);
      expect(missed.at(-1)?.status).toBe('COMPLETED');
      const resumed = subscribe(client, EventsStreamDocument, { subjectId: id, after: cursor });
      await resumed.until((e) => e.events.status === 'COMPLETED');
      resumed.close();
      const replayed = resumed.values.map((e) => e.events);
      expect(replayed.map((e) => e.cursor)).toEqual(missed.map((e) => e.cursor));
      const versions = [...seen, ...replayed].map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => versions[0] + i));
    } finally {
      client.dispose();
    }
  });

  it('executes each event once per cohort across WebSocket and SSE subscribers', async () => {
    const { cohorts, sse } = server.app.internals;
    await eventually(() => sse.stats.streams === 0 && cohorts.stats.active === 0, { what: 'earlier streams to be gone' });
    const ws = wsClient(server.wsUrl);
    const single = sseClient(url, { singleConnection: true });
    const distinct = sseClient(url);
    try {
      const feeds: Subscription<{ videosUpdated: { id: string; status: string } }>[] = [];
      for (const client of [ws, single, distinct]) for (let i = 0; i < 3; i++) feeds.push(subscribe(client, VideosUpdatedDocument, {}));
      await eventually(() => cohorts.stats.active === 9, { what: 'nine feeds to be open' });
      const before = { ...cohorts.stats };
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A flock of starlings', size: '1280x720' } });
      await Promise.all(feeds.map((feed) => feed.until((v) => v.videosUpdated.id === createVideo.video.id && v.videosUpdated.status === 'COMPLETED')));
      const changes = feeds[0].values;
      expect(changes.length).toBeGreaterThan(1);
      for (const feed of feeds) expect(feed.values).toEqual(changes);
      expect(cohorts.stats.executions - before.executions).toBe(changes.length);
      expect(cohorts.stats.shared - before.shared).toBe(8 * changes.length);
    } finally {
      await ws.dispose();
      single.dispose();
      distinct.dispose();
    }
  });

  it('a client that disconnects frees its subscription and its stream, in either mode', async () => {
    const { cohorts, sse } = server.app.internals;
    await eventually(() => sse.stats.streams === 0 && cohorts.stats.active === 0, { what: 'earlier streams to be gone' });
    for (const singleConnection of [false, true]) {
      const client = sseClient(url, { singleConnection });
      const feed = subscribe(client, VideosUpdatedDocument, {});
      await eventually(() => cohorts.stats.active === 1 && sse.stats.streams === 1, { what: 'the feed to be open' });
      client.dispose();
      await eventually(() => cohorts.stats.active === 0 && sse.stats.streams === 0 && sse.stats.reservations === 0, { what: 'the feed to be freed' });
      expect(feed.values).toEqual([]);
    }
    // A raw stream whose reader goes away, as curl interrupted would.
    const raw = await rawStream(`${url}?query=${encodeURIComponent('subscription { videosUpdated { id } }')}`);
    await raw.until((m) => m.comment);
    await eventually(() => cohorts.stats.active === 1 && sse.stats.streams === 1, { what: 'the raw feed to be open' });
    raw.close();
    await eventually(() => cohorts.stats.active === 0 && sse.stats.streams === 0, { what: 'the raw feed to be freed' });
  });

  it('sends keep-alive comments on an idle stream', async () => {
    const stream = await rawStream(`${url}?query=${encodeURIComponent('subscription { videosUpdated { id } }')}`);
    try {
      expect([stream.response.status, stream.response.headers.get('content-type'), stream.response.headers.get('x-accel-buffering')]).toEqual([200, 'text/event-stream; charset=utf-8', 'no']);
      await eventually(() => stream.messages.filter((m) => m.comment).length >= 3, { what: 'keep-alive comments', timeoutMs: 5000 });
      expect(stream.messages.every((m) => m.comment)).toBe(true);
    } finally {
      stream.close();
    }
  });
});

describe.each(databaseKinds())('GraphQL over SSE with API keys and limits (%s)', (db) => {
  let server: TestServer | undefined;
  let url: string;
  /** A key of its own (and so a rate bucket and stream count of its own) for each test. */
  const newKey = async (tenant = 'acme') => {
    const { key, secret } = await server!.app.internals.apiKeys.create(tenant, Role.ADMIN, 'sse test');
    return { id: key.id, headers: { authorization: `Bearer ${secret}` } };
  };
  const feed = 'subscription { videosUpdated { id status } }';
  const open = (headers: Record<string, string>, init: RequestInit = {}) => rawStream(`${url}?query=${encodeURIComponent(feed)}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    server = await startTestServer({
      db,
      env: { MAX_SSE_STREAMS_PER_KEY: '2', MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', SSE_RESERVATION_TIMEOUT_MS: '500', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '5', CORS_ORIGINS: 'https://app.example.com' },
    });
    url = sseUrl(server.graphqlUrl);
    // Verifying a key ends local mode at once.
    const { headers } = await newKey();
    expect((await server.gql.request(ViewerDocument, undefined, headers)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a request without a valid key with 401 before any stream opens', async () => {
    const anonymous = await fetch(`${url}?query=${encodeURIComponent(feed)}`, { headers: { accept: 'text/event-stream' } });
    expect([anonymous.status, anonymous.headers.get('content-type'), anonymous.headers.get('www-authenticate')]).toEqual([401, 'application/json; charset=utf-8', 'Bearer']);
    expect(((await anonymous.json()) as ErrorBody).errors[0].extensions?.code).toBe('UNAUTHENTICATED');
    const client = sseClient(url, { headers: { authorization: 'Bearer rgk_not-a-real-key' } });
    const refused = await new Promise<unknown>((resolve) => client.subscribe({ query: feed }, { next: () => {}, error: resolve, complete: () => resolve(undefined) }));
    const { status, body } = await refusedResponse(refused);
    expect([status, body.errors?.[0].extensions?.code, body.errors?.[0].message]).toEqual([401, 'UNAUTHENTICATED', expect.stringMatching(/unknown or was revoked/)]);
    const put = await fetch(url, { method: 'PUT' });
    expect(put.status).toBe(401);
    // With a key, the same request streams.
    const { headers } = await newKey();
    const stream = await open(headers);
    expect(stream.response.status).toBe(200);
    stream.close();
  });

  it('lets browsers on the server\'s own origin and on CORS_ORIGINS in, and no others', async () => {
    const { headers } = await newKey();
    const foreign = await fetch(`${url}?query=${encodeURIComponent(feed)}`, { headers: { ...headers, accept: 'text/event-stream', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ErrorBody).errors[0].extensions).toEqual({ code: 'FORBIDDEN', origin: 'https://evil.example' });
    const allowed = await open(headers, { headers: { origin: 'https://app.example.com' } });
    expect([allowed.response.status, allowed.response.headers.get('access-control-allow-origin')]).toEqual([200, 'https://app.example.com']);
    allowed.close();
    const own = await open(headers, { headers: { origin: server!.app.origin } });
    expect(own.response.status).toBe(200);
    own.close();
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, x-graphql-event-stream-token' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-graphql-event-stream-token');
  });

  it('caps open streams per key (reservations included) and operations per stream, naming the limit', async () => {
    const { sse } = server!.app.internals;
    const first = await newKey();
    const streams = [await open(first.headers), await open(first.headers)];
    const third = await fetch(`${url}?query=${encodeURIComponent(feed)}`, { headers: { ...first.headers, accept: 'text/event-stream' } });
    expect(third.status).toBe(429);
    expect(((await third.json()) as ErrorBody).errors[0].extensions).toEqual({ code: 'RATE_LIMITED', limit: 2 });
    // Another key is not affected; a freed slot can be used again.
    const other = await open((await newKey()).headers);
    expect(other.response.status).toBe(200);
    other.close();
    streams[0].close();
    await eventually(async () => (await open(first.headers)).response.status === 200, { what: 'a freed slot' });
    streams[1].close();

    const second = await newKey();
    const reserve = () => fetch(url, { method: 'PUT', headers: second.headers });
    const reservations = [await reserve(), await reserve()];
    expect(reservations.map((r) => r.status)).toEqual([201, 201]);
    expect((await reserve()).status).toBe(429);
    // A reservation whose stream is not opened in time is dropped, and its slot with it.
    await eventually(() => sse.stats.reservations === 0, { what: 'the reservations to expire' });
    const late = await reservations[0].text();
    const stale = await fetch(url, { headers: { ...second.headers, accept: 'text/event-stream', 'x-graphql-event-stream-token': late } });
    expect([stale.status, ((await stale.json()) as ErrorBody).errors[0].extensions?.code]).toEqual([404, 'NOT_FOUND']);
    expect((await reserve()).status).toBe(201);

    const client = sseClient(url, { singleConnection: true, headers: (await newKey()).headers });
    try {
      const feeds = [0, 1, 2].map(() => subscribe(client, VideosUpdatedDocument, {}));
      await feeds[2].done;
      expect(feeds[2].errors[0].extensions).toEqual({ code: 'RATE_LIMITED', limit: 2 });
      expect(feeds[0].errors.concat(feeds[1].errors)).toEqual([]);
    } finally {
      client.dispose();
    }
  });

  it('draws operations, mutations included, from the key\'s rate bucket: over it, 429 with Retry-After and nothing done', async () => {
    const { headers } = await newKey();
    const query = JSON.stringify({ query: '{ viewer { keyId } }' });
    for (let i = 0; i < 5; i++) {
      const stream = await rawStream(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: query });
      await stream.ended;
      expect(stream.response.status).toBe(200);
    }
    const mutation = JSON.stringify({ query: 'mutation { createVideo(input: { prompt: "over the rate", size: "1280x720" }) { video { id } } }' });
    const limited = await post(url, mutation, headers);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect(limited.json.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    // The bucket refills: the same mutation then goes through.
    const done = await eventually(async () => {
      const stream = await rawStream(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: mutation });
      await stream.ended;
      return stream.response.status === 200 ? stream : undefined;
    }, { what: 'the bucket to refill', intervalMs: 500 });
    expect(done.messages.find((m) => !m.comment && m.event === 'next')).toMatchObject({ data: { data: { createVideo: { video: { id: expect.any(String) } } } } });

    // Aliased mutations take a token each, as over HTTP: six in one operation are more than a fresh bucket of five.
    const aliased = (await newKey()).headers;
    const six = Array.from({ length: 6 }, (_, i) => `m${i}: createVideo(input: { prompt: "alias ${i}", size: "1280x720" }) { video { id } }`).join(' ');
    const many = await post(url, JSON.stringify({ query: `mutation { ${six} }` }), aliased);
    expect([many.status, many.json.errors[0].extensions]).toEqual([429, { code: 'RATE_LIMITED', retryAfterSeconds: 1, mutations: 6 }]);
    // What reached the upstream: the mutation that was let through (once), none of the refused ones.
    const prompts = () => server!.app.emulator!.record.entries().map((e) => e.prompt ?? '');
    await eventually(() => prompts().some((p) => p.includes('over the rate')), { what: 'the accepted mutation to reach the upstream' });
    expect(prompts().filter((p) => p.includes('over the rate'))).toHaveLength(1);
    expect(prompts().filter((p) => p.includes('alias'))).toEqual([]);
  });

  it('ends a revoked key\'s streams with UNAUTHENTICATED, in both modes, and leaves other keys\' streams open', async () => {
    const revoked = await newKey();
    const kept = await newKey();
    const distinct = sseClient(url, { headers: revoked.headers });
    const single = sseClient(url, { singleConnection: true, headers: revoked.headers });
    const other = sseClient(url, { headers: kept.headers });
    const { cohorts } = server!.app.internals;
    try {
      const active = cohorts.stats.active;
      const feeds = [distinct, single, other].map((client) => subscribe(client, VideosUpdatedDocument, {}));
      await eventually(() => cohorts.stats.active === active + 3, { what: 'three feeds' });
      await server!.app.internals.apiKeys.revoke(revoked.id);
      await Promise.all([feeds[0].done, feeds[1].done]);
      for (const ended of feeds.slice(0, 2)) expect(ended.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      await eventually(() => cohorts.stats.active === active + 1, { what: 'the revoked feeds to be freed' });
      const again = await fetch(url, { method: 'PUT', headers: revoked.headers });
      expect(again.status).toBe(401);
      // The other key's stream still delivers.
      const { createVideo } = await server!.gql.with(kept.headers).data(CreateVideoDocument, { input: { prompt: 'Still here', size: '1280x720' } });
      await feeds[2].until((v) => v.videosUpdated.id === createVideo.video.id);
      expect(feeds[2].errors).toEqual([]);
    } finally {
      [distinct, single, other].forEach((client) => client.dispose());
    }
  });

  it('shutdown ends open streams and reservations at once instead of waiting for them', async () => {
    const { headers } = await newKey();
    const single = sseClient(url, { singleConnection: true, headers });
    const feeds = [subscribe(single, VideosUpdatedDocument, {}), subscribe(sseClient(url, { headers }), VideosUpdatedDocument, {})];
    const { cohorts, sse } = server!.app.internals;
    await eventually(() => cohorts.stats.active === 2 && sse.stats.streams === 2, { what: 'two streams' });
    expect((await fetch(url, { method: 'PUT', headers: (await newKey()).headers })).status).toBe(201);
    const started = Date.now();
    await server!.close();
    server = undefined;
    // The HTTP drain would wait 10 s for streams that never end on their own.
    expect(Date.now() - started).toBeLessThan(5000);
    await Promise.all(feeds.map((f) => f.done));
    expect([cohorts.stats.active, sse.stats.streams, sse.stats.reservations]).toEqual([0, 0, 0]);
  });
});
