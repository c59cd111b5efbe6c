import { Role } from '../../src/modules/tenants/api-key.entity';
import { Upload } from '../../src/modules/uploads/upload.entity';
import { databaseKinds } from '../support/databases';
import { makeImage, uploadFile } from '../support/media';
import { quickQueryMs } from '../support/latency';
import { startTestServer, type TestServer } from '../support/server';
import { acknowledgedSocket, protocolSocket } from '../support/ws';

const ALLOWED = 'https://app.example.com';
const EVIL = 'https://evil.example';

/** The HTTP status an upgrade with this Origin gets: 101 when the socket opens. */
async function upgradeStatus(server: TestServer, origin: string | undefined): Promise<number> {
  try {
    const socket = await protocolSocket(server.wsUrl, origin ? { origin } : {});
    socket.socket.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

async function uploads(server: TestServer): Promise<number> {
  return server.app.db.orm.em.fork().count(Upload, {}, { filters: false });
}

describe.each(databaseKinds())('cross-site requests in local mode (%s)', (db) => {
  let server: TestServer;
  let png: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { CORS_ORIGINS: ALLOWED } });
    png = await makeImage(64, 64);
    // The first request warms the GraphQL pipeline; later timings measure the server, not start-up.
    await server.gql.request('{ __typename }');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a WebSocket upgrade from another site is refused with 403 before the handshake; allowed origins and non-browser clients connect', async () => {
    expect(await upgradeStatus(server, EVIL)).toBe(403);
    expect(await upgradeStatus(server, 'null')).toBe(403);
    expect(await upgradeStatus(server, `${server.app.origin.replace('127.0.0.1', 'evil.example')}`)).toBe(403);
    // Positive controls: no Origin (curl, SDKs), CORS_ORIGINS, the server's own origin, and loopback pages in local mode.
    for (const origin of [undefined, ALLOWED, server.app.origin, 'http://localhost:5173', 'http://127.0.0.1:3000']) {
      const socket = await acknowledgedSocket(server.wsUrl, {}, origin ? { origin } : {});
      socket.socket.close();
    }
    expect(await quickQueryMs(server)).toBeLessThan(100);
  });

  it('a multipart POST to /uploads from another site is 403 with the JSON error envelope and stores nothing', async () => {
    const before = await uploads(server);
    const refused = await uploadFile(server.app.origin, png, 'a.png', { origin: EVIL });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/CORS_ORIGINS/) });
    expect(await uploads(server)).toBe(before);
    // Positive controls: the same upload without an Origin, and from an allowed one, is stored.
    expect((await uploadFile(server.app.origin, png, 'a.png')).status).toBe(201);
    expect((await uploadFile(server.app.origin, png, 'a.png', { origin: ALLOWED })).status).toBe(201);
    expect(await uploads(server)).toBe(before + 2);
  });

  // Last: it ends local mode for this server.
  it('once keys exist (local mode over), other loopback pages are refused too; configured and own origins still connect', async () => {
    const { secret } = await server.app.internals.apiKeys.create(`origins-${db}`, Role.ADMIN, 'ops');
    await server.app.internals.auth.start();
    expect(server.app.internals.auth.localMode).toBe(false);
    expect(await upgradeStatus(server, 'http://localhost:5173')).toBe(403);
    for (const origin of [undefined, ALLOWED, server.app.origin]) {
      const socket = await acknowledgedSocket(server.wsUrl, { authorization: `Bearer ${secret}` }, origin ? { origin } : {});
      socket.socket.close();
    }
  });
});
