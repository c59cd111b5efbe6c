import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendants, isRunning, portIsFree, spawnServer } from '../support/process';
import { eventually } from '../support/wait';

/** Parsed JSON log lines of a process's output (non-JSON lines are skipped). */
function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/**
 * What Docker (`CMD npm start`), systemd and process managers do: signal the npm process, and
 * only it. npm forwards the signal to its child; the server must drain and exit, leaving no node
 * process behind and the port free.
 */
describe.each(['SIGTERM', 'SIGINT'] as const)('npm start stopped by %s to npm alone', (signal) => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-npm-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('drains, exits and leaves no orphan', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' }, { npm: true, readyTimeoutMs: 60_000 });
    const below = descendants(server.pid);
    // Positive control: the server really runs below npm, so the absence checks below mean something.
    expect(below.length).toBeGreaterThan(0);
    expect(await portIsFree(server.port)).toBe(false);
    expect((await server.gql.request('{ __typename }')).status).toBe(200);

    server.kill(signal);
    const exit = await Promise.race([
      server.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref()),
    ]);
    if (exit === 'hung') server.kill('SIGKILL');
    expect(exit).not.toBe('hung');

    await eventually(async () => (await portIsFree(server.port)) || undefined, { timeoutMs: 5000, what: `port ${server.port} to be free` });
    expect(below.filter(isRunning)).toEqual([]);
    const logs = logLines(server.output());
    expect(logs.find((l) => l.msg === 'shutting down')).toMatchObject({ signal });
    // The drain ran to its end: HTTP and WebSocket closed, then the database, each step logged.
    const steps = logs.filter((l) => l.msg === 'shutdown step done').map((l) => l.step);
    expect(steps).toEqual(expect.arrayContaining(['http + websocket', 'database']));
  });
});

/** npm itself dies without forwarding anything (SIGKILL, OOM killer): node notices it was orphaned. */
describe('npm start when npm is killed outright', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-npm-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the orphaned server drains and exits by itself', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'debug' }, { npm: true, readyTimeoutMs: 60_000 });
    const below = descendants(server.pid);
    expect(below.filter(isRunning).length).toBeGreaterThan(0);
    server.kill('SIGKILL');
    await server.exited;
    await eventually(() => below.every((pid) => !isRunning(pid)), { timeoutMs: 10_000, what: 'the orphaned server to exit' });
    await eventually(async () => (await portIsFree(server.port)) || undefined, { timeoutMs: 5000, what: `port ${server.port} to be free` });
    const logs = logLines(server.output());
    expect(logs.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'parent exited' });
    expect(logs.filter((l) => l.msg === 'shutdown step done').map((l) => l.step)).toEqual(expect.arrayContaining(['http + websocket', 'database']));
  });
});
