import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Reelgraph, startReelgraph } from '../../src/app';
import { loadConfig } from '../../src/config';
import { UNTHROTTLED_ENV } from './children';

/**
 * Runs `work` against a Reelgraph started in this process (the SQL query log is only reachable
 * in-process), then stops it. `env` uses the README's names; logs are silent, port is free.
 */
export async function withInProcessServer<T>(env: Record<string, string>, work: (app: Reelgraph) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-bench-inproc-'));
  const app = await startReelgraph(loadConfig({ ...UNTHROTTLED_ENV, DATA_DIR: dataDir, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }));
  try {
    return await work(app);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The SQL statements `run` caused, in order (first 2,000 characters each). */
export async function sqlOf(app: Reelgraph, run: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const stop = app.db.queryLog.listen((sql) => statements.push(sql.slice(0, 2000)));
  try {
    await run();
  } finally {
    stop();
  }
  return statements;
}

/** Counts statements by their first word (select, insert, update, begin, …). */
export function sqlKinds(statements: string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const s of statements) {
    const word = s.trim().split(/\s+/)[0].toLowerCase();
    kinds[word] = (kinds[word] ?? 0) + 1;
  }
  return kinds;
}

/** A statement as "<verb> <table>", e.g. `select video`, `insert task`, `begin`. */
export function sqlShort(statement: string): string {
  const s = statement.trim();
  const verb = s.split(/\s+/)[0].toLowerCase();
  const table = /\b(?:from|into|update)\s+"?([a-z_]+)"?/i.exec(s)?.[1];
  if (verb === 'select' && /pg_advisory/.test(s)) return 'advisory lock';
  if (verb === 'select' && /count\(/i.test(s)) return `count ${table ?? ''}`.trim();
  return table ? `${verb} ${table}` : verb;
}
