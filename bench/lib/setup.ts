import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorTiming } from '../../src/emulator';
import { type ServerChild, startServer } from './children';
import { createBenchDatabase } from './postgres';
import { summarizeProfiles, type ProfileSummary } from './profile';
import type { ScenarioContext } from './scenario';
import { nowUs, sleep } from './stats';
import { type BenchUpstream, gql, startUpstream } from './upstream';

/** A temp directory removed when the scenario ends. */
export function tempDir(ctx: ScenarioContext, prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `reelgraph-bench-${prefix}-`));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A database for a scenario: a scratch PostgreSQL database when reachable, else SQLite in DATA_DIR. */
export async function scenarioDatabase(ctx: ScenarioContext): Promise<{ kind: 'postgresql' | 'sqlite'; env: Record<string, string>; url?: string }> {
  if (!ctx.postgres) return { kind: 'sqlite', env: {} };
  const db = await createBenchDatabase();
  ctx.defer(() => db.drop());
  return { kind: 'postgresql', env: { DATABASE_URL: db.url }, url: db.url };
}

/** Reelgraph in a child process with an emulator (in this process) as its remote upstream. */
export interface Stack {
  server: ServerChild;
  upstream: BenchUpstream;
  /** Environment the server was started with (to start another one like it). */
  env: Record<string, string>;
  dbKind: 'postgresql' | 'sqlite';
}

/** Starts an emulator with `timing`, then Reelgraph pointed at it; both stop when the scenario ends. */
export async function startStack(
  ctx: ScenarioContext,
  options: { timing: Partial<EmulatorTiming>; env?: Record<string, string>; databaseEnv?: Record<string, string>; execArgv?: string[] },
): Promise<Stack> {
  const upstream = await startUpstream(options.timing);
  ctx.defer(() => upstream.close());
  const db = options.databaseEnv ? { kind: options.databaseEnv.DATABASE_URL ? ('postgresql' as const) : ('sqlite' as const), env: options.databaseEnv } : await scenarioDatabase(ctx);
  const env = { DATA_DIR: tempDir(ctx, 'data'), ...db.env, ...upstream.env, ...options.env };
  const server = await startServer(env, { execArgv: options.execArgv });
  ctx.defer(() => server.stop());
  return { server, upstream, env, dbKind: db.kind };
}

/**
 * Starts a process under `node --cpu-prof` (through `start`, which gets the extra node flags), runs
 * `load` against it (which returns how many operations it served), stops it (the profile is written
 * at exit) and summarizes where its CPU went during `load`, per operation.
 */
export async function profileProcess<P extends { stop(): Promise<unknown> }>(ctx: ScenarioContext, start: (execArgv: string[]) => Promise<P>, load: (proc: P) => Promise<number>): Promise<ProfileSummary | undefined> {
  const dir = tempDir(ctx, 'prof');
  const proc = await start(['--cpu-prof', '--cpu-prof-dir', dir]);
  let window = { fromUs: nowUs(), toUs: 0 };
  let operations = 0;
  try {
    window = { fromUs: nowUs(), toUs: 0 };
    operations = await load(proc);
    window.toUs = nowUs();
  } finally {
    await proc.stop();
  }
  await sleep(100);
  return summarizeProfiles(dir, window, operations);
}

/** {@link profileProcess} for another Reelgraph started like `stack.server`. */
export function profileServer(ctx: ScenarioContext, stack: Stack, load: (server: ServerChild) => Promise<number>): Promise<ProfileSummary | undefined> {
  return profileProcess(ctx, (execArgv) => startServer({ ...stack.env, DATA_DIR: tempDir(ctx, 'data-prof') }, { execArgv }), load);
}

/** The `createVideo` mutation the scenarios submit with. */
export const CREATE_VIDEO = 'mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id status } } }';

/** Submits a 4 s 1280x720 sora-2 job through Reelgraph; returns its global id. */
export async function createVideo(graphqlUrl: string, prompt: string, idempotencyKey?: string): Promise<string> {
  const data = await gql<{ createVideo: { video: { id: string } } }>(graphqlUrl, CREATE_VIDEO, {
    input: { prompt, model: 'sora-2', size: '1280x720', seconds: 4, ...(idempotencyKey ? { idempotencyKey } : {}) },
  });
  return data.createVideo.video.id;
}

/** Polls `video(id)` until it has `status`. */
export async function waitVideoStatus(graphqlUrl: string, id: string, status: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await gql<{ video: { status: string } | null }>(graphqlUrl, 'query($id: ID!) { video(id: $id) { status } }', { id });
    if (data.video?.status === status) return;
    if (Date.now() > deadline) throw new Error(`video ${id} is ${data.video?.status} after ${timeoutMs} ms, wanted ${status}`);
    await sleep(100);
  }
}
