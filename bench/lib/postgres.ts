import { createScratchDatabase, reachablePostgres, type ScratchDatabase } from '../../test/support/postgres';

/** The PostgreSQL server scratch databases are made on (`BENCH_DATABASE_URL`, else the tests' default). */
export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
}

/** True when the PostgreSQL server answers within 2 s. */
export function postgresReachable(): Promise<boolean> {
  return reachablePostgres(adminUrl());
}

/** Creates an empty database named `reelgraph_bench_<random>` on the admin server. */
export function createBenchDatabase(): Promise<ScratchDatabase> {
  return createScratchDatabase(adminUrl(), 'reelgraph_bench');
}
