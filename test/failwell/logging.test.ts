import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWebhookSecret } from '../../src/emulator';
import { CreateVideoDocument } from '../generated/graphql';
import { GqlClient } from '../support/graphql-client';
import { type ServerProcess, spawnServer } from '../support/process';
import { waitForVideo } from '../support/videos';

const ROOT = path.join(__dirname, '..', '..');

type Line = Record<string, unknown> & { level: number; msg: string };

/** Runs `src/main.ts` with `env` until it exits by itself; resolves with its exit code and output. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** Every line parsed as JSON; a line that is not JSON fails with the line itself in the message. */
function jsonLines(output: string): Line[] {
  return output
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        throw new Error(`not a JSON line: ${line.slice(0, 300)}`);
      }
    });
}

describe('the server process logs JSON lines only, with an access line per request and no secrets', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-logging-'));
  const webhookSecret = generateWebhookSecret();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'trace', OPENAI_WEBHOOK_SECRET: webhookSecret, JOBS_IDLE_POLL_MS: '200' };
  let server: ServerProcess;
  let apiKey: string;
  const secrets: string[] = [];
  const extraOutput: string[] = [];

  beforeAll(async () => {
    // The key CLI uses the same DATA_DIR, so the server starts with keys required.
    const printed = execFileSync(process.execPath, ['-r', '@swc-node/register', 'src/modules/tenants/keys-cli.ts', 'create', '--tenant', 'acme', '--role', 'admin'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    apiKey = printed.trim().split('\n').at(-1)!;
    secrets.push(apiKey, webhookSecret, webhookSecret.slice('whsec_'.length));
    server = await spawnServer(env);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a key-authenticated session, refuses a bad key and a bad query, and starts no second instance on its port', async () => {
    const gql = new GqlClient(`${server.origin}/graphql`, { authorization: `Bearer ${apiKey}`, 'x-request-id': 'logging-test-1' });
    const named = await gql.request<{ __typename: string }, Record<string, never>>('query Named { __typename }');
    expect(named).toMatchObject({ status: 200, data: { __typename: 'Query' } });

    const getSignature = 'sig-in-query-string-0123456789';
    secrets.push(getSignature);
    const viaGet = await fetch(`${server.origin}/graphql?query=${encodeURIComponent('{ __typename }')}&signature=${getSignature}&token=${getSignature}`, {
      headers: { authorization: `Bearer ${apiKey}`, 'apollo-require-preflight': 'true' },
    });
    expect(viaGet.status).toBe(200);

    const badKey = `rg_${'x'.repeat(40)}`;
    secrets.push(badKey);
    const refused = await new GqlClient(`${server.origin}/graphql`, { authorization: `Bearer ${badKey}` }).request('{ __typename }');
    expect(refused).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });

    const badQuery = await gql.request('query Broken { noSuchField }');
    // A request error under application/json: 200 with errors, per the GraphQL-over-HTTP spec.
    expect(badQuery.status).toBe(200);
    expect(badQuery.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // A media URL: its signed token is a bearer credential for the file.
    const { createVideo } = await gql.data(CreateVideoDocument, { input: { prompt: 'Logging test clip', size: '720x1280', seconds: 4 } });
    const video = await waitForVideo(gql, createVideo.video.id);
    const mediaUrl = new URL(video.downloadUrl!);
    const token = mediaUrl.pathname.split('/')[2]!;
    secrets.push(token);
    expect((await fetch(mediaUrl)).status).toBe(200);

    // A second instance on the same port fails to start: one fatal JSON line, no stack dump.
    const second = await runToExit({ ...env, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'reelgraph-logging-2-')), PORT: server.origin.split(':')[2]!, HOST: '127.0.0.1' });
    expect(second.code).toBe(1);
    expect(jsonLines(second.output)).toContainEqual(expect.objectContaining({ level: 60, msg: expect.stringContaining('EADDRINUSE') }));
    extraOutput.push(second.output);

    // A configuration error: one fatal JSON line saying what to fix.
    const misconfigured = await runToExit({ ...env, PORT: 'not-a-port' });
    expect(misconfigured.code).toBe(2);
    expect(jsonLines(misconfigured.output)).toEqual([expect.objectContaining({ level: 60, msg: expect.stringContaining('PORT') })]);
    extraOutput.push(misconfigured.output);

    // The first instance kept serving through all of it.
    expect((await gql.request<{ __typename: string }, Record<string, never>>('{ __typename }')).data?.__typename).toBe('Query');

    expect(await server.stop()).toBe(0);
    const lines = jsonLines(server.output());
    const access = lines.filter((l) => l.access === true);
    const accessOf = (reqId: string) => access.filter((l) => l.reqId === reqId);
    expect(accessOf('logging-test-1')).toContainEqual(
      expect.objectContaining({ level: 30, method: 'POST', path: '/graphql', status: 200, operationName: 'Named', tenantId: expect.any(String), ms: expect.any(Number) }),
    );
    expect(access).toContainEqual(expect.objectContaining({ method: 'GET', path: '/graphql', status: 200 }));
    expect(access).toContainEqual(expect.objectContaining({ method: 'POST', path: '/graphql', status: 401 }));
    expect(access).toContainEqual(expect.objectContaining({ method: 'POST', path: '/graphql', status: 200, operationName: 'Broken' }));
    expect(access).toContainEqual(expect.objectContaining({ method: 'GET', path: `/media/[token]/${mediaUrl.pathname.split('/')[3]}`, status: 200 }));
    for (const line of access) expect(line).toEqual(expect.objectContaining({ reqId: expect.any(String), status: expect.any(Number), ms: expect.any(Number) }));
    // The embedded upstream's signed webhooks reached the server (their signature headers are secrets too).
    expect(access).toContainEqual(expect.objectContaining({ method: 'POST', path: '/webhooks/openai' }));

    const everything = [server.output(), ...extraOutput].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  }, 120_000);
});
