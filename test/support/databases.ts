import { PG_ENV, REDIS_ENV } from './global-setup';
import { createScratchDatabase, type ScratchDatabase } from './postgres';

export type { ScratchDatabase };

/** Database kinds the suites run against: SQLite always, PostgreSQL when reachable (always in CI). */
export type DbKind = 'sqlite' | 'postgresql';

export function databaseKinds(): DbKind[] {
  return process.env[PG_ENV] ? ['sqlite', 'postgresql'] : ['sqlite'];
}

/** True when PostgreSQL tests can run. */
export function hasPostgres(): boolean {
  return Boolean(process.env[PG_ENV]);
}

/** URL of the test Redis, when reachable (always in CI). */
export function redisUrl(): string | undefined {
  return process.env[REDIS_ENV];
}

/** Creates an empty database on the test server, so suites running in parallel never share tables. */
export async function createScratchPostgres(): Promise<ScratchDatabase> {
  const adminUrl = process.env[PG_ENV];
  if (!adminUrl) throw new Error('PostgreSQL is not available for tests');
  return createScratchDatabase(adminUrl, 'reelgraph_t');
}
