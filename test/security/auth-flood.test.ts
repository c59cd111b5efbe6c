import { randomBytes } from 'node:crypto';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { ViewerDocument } from '../generated/graphql';
import { databaseKinds, redisUrl } from '../support/databases';
import { GqlClient } from '../support/graphql-client';
import { quickQueryMs } from '../support/latency';
import { startTestServer, type TestServer } from '../support/server';
import { protocolSocket } from '../support/ws';

const LIMIT = 10;

/** A well-formed key nobody issued: each one costs the server a lookup until the limit applies. */
const randomKey = () => `rgk_${randomBytes(30).toString('base64url').slice(0, 40)}`;
/** A client address of its own per run (the Redis counters outlive a run). */
const address = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** Key lookups (`api_key` by hash) the server ran while `run` ran; the job loops' own queries are not counted. */
async function keyLookups(server: TestServer, run: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const stop = server.app.db.queryLog.listen((sql) => {
    if (/api_key/.test(sql) && /\bhash["`]?\s*=/.test(sql)) count++;
  });
  try {
    await run();
  } finally {
    stop();
  }
  return count;
}

/** The close code and reason of a connection_init with `key` from `from`. */
async function initWith(server: TestServer, key: string, from: string): Promise<{ code: number; reason: string }> {
  const socket = await protocolSocket(server.wsUrl, { headers: { 'x-forwarded-for': from } });
  socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } });
  return socket.closed;
}

describe.each(databaseKinds())('a flood of invalid keys from one address (%s)', (db) => {
  let server: TestServer;
  let valid: string;
  beforeAll(async () => {
    // PostgreSQL runs with Redis when it is there, so the shared counters are exercised too.
    const redis = db === 'postgresql' ? redisUrl() : undefined;
    server = await startTestServer({ db, env: { AUTH_FAILURES_PER_MINUTE: String(LIMIT), ...(redis ? { REDIS_URL: redis } : {}) } });
    ({ secret: valid } = await server.app.internals.apiKeys.create('flood', Role.ADMIN, 'legit'));
    await server.app.internals.auth.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`after ${LIMIT} failures an address gets 429 RATE_LIMITED with Retry-After and no database lookup; other addresses are unaffected`, async () => {
    const attacker = address();
    const gql = new GqlClient(server.graphqlUrl, { 'x-forwarded-for': attacker });
    for (let i = 0; i < LIMIT; i++) {
      const result = await gql.request(ViewerDocument, undefined, { authorization: `Bearer ${randomKey()}` });
      expect([result.status, result.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    let refused!: Awaited<ReturnType<GqlClient['request']>>;
    const lookups = await keyLookups(server, async () => {
      refused = await gql.request(ViewerDocument, undefined, { authorization: `Bearer ${randomKey()}` });
    });
    expect([refused.status, refused.errors?.[0].extensions?.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.errors?.[0].extensions?.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')));
    expect(refused.errors?.[0].message).toMatch(/failed authentications/);
    expect(lookups).toBe(0);

    // The WebSocket's connection_init is refused the same way, also without a lookup.
    let closed!: { code: number; reason: string };
    expect(await keyLookups(server, async () => (closed = await initWith(server, randomKey(), attacker)))).toBe(0);
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/Too many failed authentications/);

    // Positive controls: a legitimate key from another address works, and another address's bad key is looked up (401, not 429).
    const legit = new GqlClient(server.graphqlUrl, { 'x-forwarded-for': address(), authorization: `Bearer ${valid}` });
    expect((await legit.request(ViewerDocument)).status).toBe(200);
    expect(await quickQueryMs(server, { 'x-forwarded-for': address(), authorization: `Bearer ${valid}` })).toBeLessThan(100);
    let elsewhere!: Awaited<ReturnType<GqlClient['request']>>;
    const looked = await keyLookups(server, async () => {
      elsewhere = await new GqlClient(server.graphqlUrl, { 'x-forwarded-for': address() }).request(ViewerDocument, undefined, { authorization: `Bearer ${randomKey()}` });
    });
    expect([elsewhere.status, looked]).toEqual([401, 1]);
    const wsElsewhere = await initWith(server, randomKey(), address());
    expect(wsElsewhere).toMatchObject({ code: 4401, reason: expect.stringMatching(/not valid/) });
  });
});
