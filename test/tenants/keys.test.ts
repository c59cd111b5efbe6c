import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { startReelgraph } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { Role } from '../../src/modules/tenants/api-key.entity';
import { ApiKeysDocument, CreateApiKeyDocument, PinModelDocument, RevokeApiKeyDocument, VideosUpdatedDocument, ViewerDocument } from '../generated/graphql';
import { GqlClient } from '../support/graphql-client';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

/** Runs `npm run keys -- …` against a data dir, as an operator would on the server's machine. */
async function keysCli(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['-r', '@swc-node/register', 'src/modules/tenants/keys-cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  });
  return stdout;
}

/** The socket close code of a graphql-ws client that ends. */
function closeCode(url: string, params: Record<string, unknown> | undefined): Promise<number> {
  return new Promise((resolve) => {
    const client = wsClient(url, params);
    client.on('closed', (event) => resolve((event as { code: number }).code));
    client.subscribe({ query: 'subscription { videosUpdated { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
  });
}

describe('API keys, local mode and revocation', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('with no key in existence, loopback requests act as the implicit local tenant', async () => {
    expect((await server.gql.data(ViewerDocument)).viewer).toMatchObject({ tenant: { slug: 'local' }, role: 'ADMIN', keyId: null, local: true, operator: true });
  });

  it('a key made by the CLI is shown once, stored hashed, and ends local mode', async () => {
    const out = await keysCli(server.dataDir, 'create', '--tenant', 'acme', '--role', 'admin', '--name', 'ops');
    admin = out.trim().split('\n').at(-1) as string;
    expect(admin).toMatch(/^rgk_[A-Za-z0-9]{40}$/);
    expect(await keysCli(server.dataDir, 'list')).toMatch(/acme\s+admin\s+rgk_\S+…\s+ops\s+\(active\)/);
    expect(await keysCli(server.dataDir, 'list')).not.toContain(admin);

    // The running server notices within its watch interval and requires keys from then on.
    await eventually(async () => (await server.gql.request(ViewerDocument)).status === 401, { what: 'local mode to end' });
    const anonymous = await server.gql.request(ViewerDocument);
    expect(anonymous.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const bad = await server.gql.request(ViewerDocument, undefined, { authorization: 'Bearer rgk_not-a-real-key' });
    expect([bad.status, bad.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(bad.errors?.[0].message).toMatch(/unknown or was revoked/);

    const acme = server.gql.with({ authorization: `Bearer ${admin}` });
    expect((await acme.data(ViewerDocument)).viewer).toMatchObject({ tenant: { slug: 'acme' }, role: 'ADMIN', local: false, operator: false });
    // Uploads need the key too.
    expect((await fetch(`${server.app.origin}/uploads`, { method: 'POST', body: new FormData() })).status).toBe(401);
    expect(await closeCode(server.wsUrl, undefined)).toBe(4401);
  });

  it('an admin key manages its tenant\'s keys; a member key may not; neither changes deployment pins', async () => {
    const acme = server.gql.with({ authorization: `Bearer ${admin}` });
    const { createApiKey } = await acme.data(CreateApiKeyDocument, { input: { role: 'MEMBER', name: 'mobile app' } });
    expect(createApiKey.apiKey).toMatchObject({ role: 'MEMBER', name: 'mobile app', prefix: createApiKey.secret.slice(0, 12) });
    const member = server.gql.with({ authorization: `Bearer ${createApiKey.secret}` });
    expect((await member.data(ViewerDocument)).viewer.role).toBe('MEMBER');
    expect((await member.error(CreateApiKeyDocument, { input: { role: 'ADMIN', name: 'escalate' } })).extensions.code).toBe('FORBIDDEN');
    const { apiKeys } = await acme.data(ApiKeysDocument);
    expect(apiKeys.map((k) => k.name)).toEqual(['mobile app', 'ops']);
    expect(JSON.stringify(apiKeys)).not.toContain(createApiKey.secret);
    const pin = await acme.error(PinModelDocument, { input: { model: 'sora-2', snapshot: 'sora-2-2025-10-06', reason: 'x' } });
    expect(pin.extensions.code).toBe('FORBIDDEN');
    expect(pin.message).toMatch(/affects every tenant/);
  });

  it('revoking a key fails its HTTP requests and closes its WebSocket connections with 4401 (mutation and CLI)', async () => {
    const acme = server.gql.with({ authorization: `Bearer ${admin}` });
    for (const how of ['mutation', 'cli'] as const) {
      const { createApiKey } = await acme.data(CreateApiKeyDocument, { input: { role: 'MEMBER', name: `revoked by ${how}` } });
      const secret = createApiKey.secret;
      const client = wsClient(server.wsUrl, { authorization: `Bearer ${secret}` });
      const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
      // Acknowledged before the revocation: the 4401 must come from closing a live connection,
      // not from refusing a connection_init that happened to arrive after it.
      const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
      const live = subscribe(client, VideosUpdatedDocument, {});
      await connected;
      expect(live.errors).toEqual([]);
      if (how === 'mutation') await acme.data(RevokeApiKeyDocument, { input: { keyId: createApiKey.apiKey.id } });
      else await keysCli(server.dataDir, 'revoke', createApiKey.apiKey.id);
      expect(await closed).toBe(4401);
      await eventually(async () => (await server.gql.request(ViewerDocument, undefined, { authorization: `Bearer ${secret}` })).status === 401, { timeoutMs: 15_000, what: 'HTTP to refuse the revoked key' });
      await client.dispose();
    }
  });
});

describe('local mode safety and log hygiene', () => {
  it('bound beyond loopback with no keys, Reelgraph refuses to start unless anonymous access is enabled', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-public-'));
    try {
      const start = startReelgraph(loadConfig({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: data, LOG_LEVEL: 'silent' }));
      await expect(start).rejects.toBeInstanceOf(ConfigError);
      await expect(start).rejects.toThrow(/not loopback\) and no API key exists/);
      const open = await startReelgraph(loadConfig({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: data, LOG_LEVEL: 'silent', ALLOW_ANONYMOUS: 'true' }));
      await open.stop();
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('logs never contain keys, secrets or authorization headers, even at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const data = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-logs-'));
    const webhookSecret = 'whsec_dGhpcyBpcyBhIHRlc3Qgc2VjcmV0IG9mIDMyIGJ5dGVzIQ==';
    // The application's own logger configuration, at its most verbose, into a buffer.
    const app = await startReelgraph(loadConfig({ PORT: '0', DATA_DIR: data, OPENAI_WEBHOOK_SECRET: webhookSecret, MEDIA_SIGNING_SECRET: 'media-signing-secret-with-at-least-32-chars' }), {
      logger: createLogger('trace', sink),
    });
    try {
      const { secret } = await app.internals.apiKeys.create('logs', Role.ADMIN, 'log test');
      await app.internals.auth.start();
      const gql = new GqlClient(`${app.origin}/graphql`, { authorization: `Bearer ${secret}` });
      await gql.request('{ viewer { role } }');
      await gql.request('{ broken');
      await new GqlClient(`${app.origin}/graphql`, { authorization: 'Bearer rgk_wrong' }).request('{ viewer { role } }');
      const code = await closeCode(`${app.origin.replace('http', 'ws')}/graphql`, { authorization: `Bearer ${secret}x` });
      expect(code).toBe(4401);
    } finally {
      await app.stop();
      rmSync(data, { recursive: true, force: true });
    }
    const all = lines.join('');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toMatch(/rgk_[A-Za-z0-9]{10,}/);
    expect(all).not.toContain(webhookSecret);
    expect(all).not.toContain('media-signing-secret-with-at-least-32-chars');
    expect(all.toLowerCase()).not.toMatch(/"authorization":"bearer/);
  });
});
