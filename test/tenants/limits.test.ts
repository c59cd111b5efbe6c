import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { RedisRateLimiter } from '../../src/http/rate-limit';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { CreateVideoDocument, GetBatchDocument, ListVideosDocument, SubmitBatchDocument, VideosUpdatedDocument } from '../generated/graphql';
import { redisUrl } from '../support/databases';
import { countQueries, startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

/** A query nesting `source` n levels deep. */
function nested(depth: number): string {
  let selection = 'id';
  for (let i = 0; i < depth; i++) selection = `source { ${selection} }`;
  return `{ videos(first: 1) { nodes { ${selection} } } }`;
}

describe('query limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_QUERY_DEPTH: '8', MAX_QUERY_COST: '1000', MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', BODY_LIMIT_BYTES: '20000' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses deep and expensive queries before executing them, naming the limit', async () => {
    let deep;
    expect(await countQueries(server, async () => (deep = await server.gql.request(nested(9))))).toBe(0);
    expect(deep!.status).toBe(400);
    // videos → nodes → 9 × source → id: 12 levels.
    expect(deep!.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', depth: 12, maxDepth: 8 } });
    expect(deep!.errors?.[0].message).toBe('The query is 12 levels deep; the limit is 8. Ask for fewer nested fields.');

    // 1 + 100 pages × (derivatives: 1 + 10 assumed × (derivatives: 1 + 10 × id: 0))... = 1101.
    const expensive = '{ videos(first: 100) { nodes { derivatives { derivatives { id } } } } }';
    let costly;
    expect(await countQueries(server, async () => (costly = await server.gql.request(expensive)))).toBe(0);
    expect(costly!.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', cost: 1101, maxCost: 1000 } });

    // Allowed queries report their cost, Shopify style.
    const ok = await server.gql.request(ListVideosDocument, { first: 10 });
    expect(ok.extensions?.cost).toEqual({ requestedQueryCost: 21, maxQueryCost: 1000 });
    // Costs are remembered per document and variables: the same document with other variables is
    // measured anew, and a refused query stays refused when it comes again.
    expect((await server.gql.request(ListVideosDocument, { first: 20 })).extensions?.cost).toEqual({ requestedQueryCost: 41, maxQueryCost: 1000 });
    expect((await server.gql.request(ListVideosDocument, { first: 10 })).extensions?.cost).toEqual({ requestedQueryCost: 21, maxQueryCost: 1000 });
    expect((await server.gql.request(expensive)).errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', cost: 1101 } });
    // Introspection is nested too, but is not held to the depth limit.
    expect((await server.gql.request('{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }')).errors).toBeUndefined();
  });

  it('caps pages at 100 and request bodies at the configured size', async () => {
    expect((await server.gql.error(ListVideosDocument, { first: 101 })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const big = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ videos { nodes { id } } } # ${'x'.repeat(30_000)}` }) });
    expect(big.status).toBe(413);
  });

  it('caps subscriptions per WebSocket connection, and applies the same query limits there', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const first = subscribe(client, VideosUpdatedDocument, {});
      const second = subscribe(client, VideosUpdatedDocument, {});
      await new Promise((r) => setTimeout(r, 200));
      const third = subscribe(client, VideosUpdatedDocument, {});
      await third.done;
      expect(third.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', limit: 2 } });
      first.close();
      await new Promise((r) => setTimeout(r, 100));
      const fourth = subscribe(client, VideosUpdatedDocument, {});
      await new Promise((r) => setTimeout(r, 200));
      expect(fourth.errors).toEqual([]);
      second.close();
      fourth.close();
      await new Promise((r) => setTimeout(r, 100));
      let deep = 'id';
      for (let i = 0; i < 9; i++) deep = `source { ${deep} }`;
      const tooDeep = await new Promise<unknown[]>((resolve) => {
        client.subscribe({ query: `subscription { videosUpdated { ${deep} } }` }, { next: () => {}, error: (e) => resolve(e as unknown[]), complete: () => resolve([]) });
      });
      expect(tooDeep[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', maxDepth: 8 } });
    } finally {
      await client.dispose();
    }
  });

  it('supports automatic persisted queries: register by hash once, then send the hash alone', async () => {
    const query = '{ videos(first: 3) { nodes { id status } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const ask = (body: object) => fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ data?: unknown; errors?: { extensions: { code: string } }[] }>);
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect((await ask({ extensions })).errors?.[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await ask({ query, extensions })).data).toBeDefined();
    expect((await ask({ extensions })).data).toEqual({ videos: { nodes: expect.any(Array) } });
  });

  it('keeps CSRF prevention on: a simple cross-site request without a preflight is refused', async () => {
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ videos { nodes { id } } }' }) });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
  });
});

describe('CORS and introspection settings', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: 'https://app.example.com', INTROSPECTION: 'false' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers preflights for configured origins only', async () => {
    const preflight = (origin: string) => fetch(server.graphqlUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight('https://evil.example')).status).toBe(403);
  });

  it('refuses introspection when switched off', async () => {
    const result = await server.gql.request('{ __schema { queryType { name } } }');
    expect(result.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0].message).toMatch(/introspection/i);
  });
});

describe('abuse limits', () => {
  it('a key over its rate gets RATE_LIMITED with Retry-After, then recovers', async () => {
    const server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '120', RATE_LIMIT_BURST: '5' } });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => server.gql.request(ListVideosDocument, { first: 1 })));
      const limited = results.filter((r) => r.status === 429);
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      expect(limited).toHaveLength(3);
      expect(limited[0].errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } });
      expect(limited[0].headers.get('retry-after')).toBe('1');
      await new Promise((r) => setTimeout(r, 1100));
      expect((await server.gql.request(ListVideosDocument, { first: 1 })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  (redisUrl() ? it : it.skip)('with Redis, every instance draws from the same bucket per key, and the server uses it', async () => {
    // Two limiters with their own connections, as two instances have: one budget between them.
    const clients = [new Redis(redisUrl()!), new Redis(redisUrl()!)];
    try {
      const [a, b] = clients.map((redis) => new RedisRateLimiter(redis, { capacity: 4, perSecond: 1 }));
      const key = `test-${Date.now()}`;
      const decisions = [await a.take(key), await b.take(key), await a.take(key), await b.take(key), await a.take(key), await b.take(key)];
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false, false]);
      expect(decisions[4]).toMatchObject({ allowed: false, retryAfterMs: expect.any(Number) });
    } finally {
      clients.forEach((c) => c.disconnect());
    }
    const server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '3', REDIS_URL: redisUrl()! } });
    try {
      const { secret } = await server.app.internals.apiKeys.create(`redis-${Date.now().toString(36)}`, Role.MEMBER, 'redis');
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await server.gql.request('{ viewer { role } }', undefined, { authorization: `Bearer ${secret}` })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await server.close();
    }
  });

  it('caps a tenant\'s active jobs: a job over the cap is RATE_LIMITED; a batch submits only into the room left', async () => {
    const server = await startTestServer({ env: { MAX_ACTIVE_JOBS_PER_TENANT: '2', EMULATOR_CACHED_RENDER: 'true' } });
    try {
      const create = (prompt: string) => server.gql.request(CreateVideoDocument, { input: { prompt, size: '1280x720' } });
      expect((await create('one')).data?.createVideo.video.status).toBe('QUEUED');
      expect((await create('two')).data?.createVideo.video.status).toBe('QUEUED');
      const third = await create('three');
      expect(third.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', limit: 2, retryAfterSeconds: 5 } });
      expect(third.errors?.[0].message).toMatch(/already has 2 jobs in progress/);

      const { submitBatch } = await server.gql.data(SubmitBatchDocument, { input: { items: [1, 2, 3, 4, 5].map((i) => ({ customId: `c${i}`, prompt: `Capped ${i}`, size: '1280x720' })) } });
      let mostActive = 0;
      const batch = await eventually(async () => {
        const { videos } = await server.gql.data(ListVideosDocument, { first: 100, filter: { status: ['QUEUED', 'IN_PROGRESS'] } });
        mostActive = Math.max(mostActive, videos.edges.length);
        const { batch } = await server.gql.data(GetBatchDocument, { id: submitBatch.batch.id });
        return batch?.status === 'COMPLETED' ? batch : undefined;
      }, { intervalMs: 50, timeoutMs: 60_000 });
      expect(batch.counts).toMatchObject({ completed: 5, failed: 0 });
      expect(mostActive).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});
