import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { databaseKinds } from '../support/databases';
import { standaloneEmulator, type StandaloneEmulator } from '../support/emulator';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';

interface LogLine {
  level: number;
  msg: string;
  dependency?: string;
  state?: string;
  reason?: string;
}

describe.each(databaseKinds())('/readyz names the failing dependency without its raw error (%s)', (db) => {
  let upstream: StandaloneEmulator;
  let server: TestServer;
  const lines: LogLine[] = [];
  beforeAll(async () => {
    upstream = await standaloneEmulator();
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).trim().split('\n').map((l) => JSON.parse(l) as LogLine)), done()) });
    server = await startTestServer({ db, env: upstream.env, logger: createLogger('info', sink) });
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close().catch(() => {});
  });

  const readyz = async () => {
    const response = await fetch(`${server.app.origin}/readyz`);
    return { status: response.status, text: await response.text() };
  };

  it('answers 503 with { upstream: failing } when the upstream is down and logs the raw reason once at warn', async () => {
    // Positive control: both dependencies up.
    const up = await readyz();
    expect(up.status).toBe(200);
    expect(JSON.parse(up.text)).toEqual({ status: 'ready', checks: { database: 'ok', upstream: 'ok' } });

    const port = new URL(upstream.emulator.baseURL).port;
    await upstream.close();
    // A ready answer is reused for up to a second, so the change shows within that.
    await eventually(async () => (await readyz()).status === 503, { timeoutMs: 5000, what: '/readyz to notice the upstream is gone' });
    const probes = await Promise.all([readyz(), readyz(), readyz()]);
    for (const probe of [...probes, await readyz()]) {
      expect(probe.status).toBe(503);
      expect(JSON.parse(probe.text)).toEqual({ status: 'unavailable', checks: { database: 'ok', upstream: 'failing' } });
      // Nothing of the dependency's own error reaches an anonymous caller.
      expect(probe.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connection|error|fetch/i);
      expect(probe.text).not.toContain(port);
    }
    // The server itself is fine: GraphQL answers while the upstream is down.
    expect((await server.gql.request('{ __typename }')).status).toBe(200);

    // The operator gets the raw reason, once for the change, not once per probe.
    const warnings = lines.filter((l) => l.msg === 'readiness: dependency not ready');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, dependency: 'upstream', state: 'failing' });
    expect(warnings[0].reason).toMatch(/connection/i);
  });
});
