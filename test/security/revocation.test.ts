import { print } from 'graphql';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { CreateApiKeyDocument, RevokeApiKeyDocument, VideosUpdatedDocument, ViewerDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, hasPostgres, redisUrl, type ScratchDatabase } from '../support/databases';
import { GqlClient } from '../support/graphql-client';
import { startTestServer, type TestServer } from '../support/server';
import { acknowledgedSocket, type ProtocolSocket } from '../support/ws';

/** Resolves with the close code, or fails after `ms`: the close must come from the revocation itself. */
async function closeWithin(socket: ProtocolSocket, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`socket still open ${ms} ms after the revocation`)), ms)));
  try {
    return (await Promise.race([socket.closed, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** An admin key of a fresh tenant, and a member key made through the API that the test revokes. */
async function keys(server: TestServer, tenant: string): Promise<{ admin: GqlClient; member: string; memberId: string }> {
  const { secret } = await server.app.internals.apiKeys.create(tenant, Role.ADMIN, 'ops');
  const admin = new GqlClient(server.graphqlUrl, { authorization: `Bearer ${secret}` });
  const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { role: 'MEMBER', name: 'to revoke' } });
  return { admin, member: createApiKey.secret, memberId: createApiKey.apiKey.id };
}

/** A socket authenticated with `key` and holding a live subscription. */
async function liveSocket(server: TestServer, key: string): Promise<ProtocolSocket> {
  const socket = await acknowledgedSocket(server.wsUrl, { authorization: `Bearer ${key}` });
  socket.send({ id: 'feed', type: 'subscribe', payload: { query: print(VideosUpdatedDocument), variables: {} } });
  // A ping answered after the subscribe: the subscription is registered, the socket live.
  socket.send({ type: 'ping' });
  await socket.waitFor((m) => m.type === 'pong', 'pong');
  return socket;
}

describe.each(databaseKinds())('revokeApiKey takes effect before it returns (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the next request with the key is UNAUTHENTICATED and its socket closes with 4401, without waiting for the watcher', async () => {
    const { admin, member, memberId } = await keys(server, `revoke-${db}`);
    const asMember = new GqlClient(server.graphqlUrl, { authorization: `Bearer ${member}` });
    // Positive control: the key works (and is now in the authenticator's cache).
    expect((await asMember.request(ViewerDocument)).status).toBe(200);
    const socket = await liveSocket(server, member);
    // The database watcher sees nothing: whatever closes the socket is the mutation itself.
    jest.spyOn(server.app.internals.apiKeys, 'revokedSince').mockResolvedValue([]);
    try {
      await admin.data(RevokeApiKeyDocument, { input: { keyId: memberId } });
      const next = await asMember.request(ViewerDocument);
      expect([next.status, next.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(await closeWithin(socket, 5000)).toBe(4401);
      // A new connection with the key is refused too, and the admin's own key still works.
      const again = await acknowledgedSocket(server.wsUrl, { authorization: `Bearer ${member}` }).catch((error: Error) => error);
      expect(again).toBeInstanceOf(Error);
      expect((await admin.request(ViewerDocument)).status).toBe(200);
    } finally {
      jest.restoreAllMocks();
    }
  });
});

const shared = hasPostgres() && Boolean(redisUrl());
if (!shared) console.warn('⚠  SKIPPING cross-instance revocation: it needs PostgreSQL and Redis.');

(shared ? describe : describe.skip)('a revocation on one instance reaches the others through the event bus (PostgreSQL + Redis)', () => {
  let database: ScratchDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    database = await createScratchPostgres();
    a = await startTestServer({ db: 'postgresql', database, env: { REDIS_URL: redisUrl()! } });
    b = await startTestServer({ db: 'postgresql', database, env: { REDIS_URL: redisUrl()! } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('revoked on A: B refuses the key and closes its socket with 4401, with B\'s database watcher silenced', async () => {
    const { admin, member, memberId } = await keys(a, `revoke-bus-${Date.now()}`);
    const onB = new GqlClient(b.graphqlUrl, { authorization: `Bearer ${member}` });
    expect((await onB.request(ViewerDocument)).status).toBe(200);
    const socket = await liveSocket(b, member);
    jest.spyOn(b.app.internals.apiKeys, 'revokedSince').mockResolvedValue([]);
    try {
      await admin.data(RevokeApiKeyDocument, { input: { keyId: memberId } });
      expect(await closeWithin(socket, 5000)).toBe(4401);
      const next = await onB.request(ViewerDocument);
      expect([next.status, next.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
