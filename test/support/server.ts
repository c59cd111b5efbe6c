import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Reelgraph, startReelgraph } from '../../src/app';
import { loadConfig } from '../../src/config';
import { currentRequestId, type Logger } from '../../src/logger';
import { createScratchPostgres, type DbKind, type ScratchDatabase } from './databases';
import { GqlClient } from './graphql-client';

/** A Reelgraph instance started for a test: real HTTP server, real database, embedded emulator. */
export interface TestServer {
  app: Reelgraph;
  gql: GqlClient;
  graphqlUrl: string;
  wsUrl: string;
  dataDir: string;
  db: DbKind;
  databaseUrl?: string;
  /** Stops the server; with `keepData` the data dir and database survive (for restart tests). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  db?: DbKind;
  /** Extra environment (names as in the README configuration table). */
  env?: Record<string, string>;
  /** Reuse an existing data dir / database (restart tests). */
  dataDir?: string;
  database?: ScratchDatabase;
  /** Logger to use instead of one made from LOG_LEVEL (tests that read the log lines). */
  logger?: Logger;
}

/**
 * Starts Reelgraph on a free loopback port with its own temp DATA_DIR and, for PostgreSQL, its own
 * scratch database. Logs are silent unless TEST_LOG_LEVEL is set.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = options.db ?? 'sqlite';
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'reelgraph-test-'));
  const database = db === 'postgresql' ? (options.database ?? (await createScratchPostgres())) : undefined;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOBS_IDLE_POLL_MS: '200',
    // Tests poll quickly; the rate-limit test switches limits on explicitly.
    RATE_LIMIT_PER_MINUTE: '0',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  let app: Reelgraph;
  try {
    app = await startReelgraph(loadConfig(env), { logger: options.logger });
  } catch (error) {
    if (!options.database) await database?.drop();
    throw error;
  }
  const graphqlUrl = `${app.origin}/graphql`;
  return {
    app,
    gql: new GqlClient(graphqlUrl),
    graphqlUrl,
    wsUrl: graphqlUrl.replace(/^http/, 'ws'),
    dataDir,
    db,
    databaseUrl: database?.url,
    close: async ({ keepData = false } = {}) => {
      await app.stop();
      if (keepData) return;
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (!options.database) await database?.drop();
    },
  };
}

/**
 * How many SQL statements `server` issued on behalf of requests while `run` ran (query-count and
 * "refused before executing" checks). Statements of background work (lease renewals, the worker's
 * idle polls) run outside any request's scope and are not counted, so the figure is the requests' own.
 */
export async function countQueries(server: TestServer, run: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const stop = server.app.db.queryLog.listen(() => {
    if (currentRequestId() !== undefined) count++;
  });
  try {
    await run();
  } finally {
    stop();
  }
  return count;
}
