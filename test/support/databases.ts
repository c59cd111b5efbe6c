import { Client } from 'pg';
import { PG_ENV, REDIS_ENV } from './global-setup';

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

/** A PostgreSQL database created for one suite and dropped afterwards. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test server, so suites running in parallel never share tables. */
export async function createScratchPostgres(): Promise<ScratchDatabase> {
  const adminUrl = process.env[PG_ENV];
  if (!adminUrl) throw new Error('PostgreSQL is not available for tests');
  const name = `reelgraph_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
