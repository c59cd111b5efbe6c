import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { DatabaseConfig } from '../config';
import type { Logger } from '../logger';
import { ENTITIES } from './entities';
import { postgresqlMigrations } from './migrations/postgresql';
import { sqliteMigrations } from './migrations/sqlite';
import { QueryLog } from './query-log';

/** The ORM plus the hook that reports every SQL statement. */
export interface Database {
  orm: MikroORM;
  queryLog: QueryLog;
  dialect: DatabaseConfig['kind'];
}

/** MikroORM options for a database; shared by the server, the migration generator and tests. */
export function ormOptions(database: DatabaseConfig, queryLog?: QueryLog): Options {
  const common: Options = {
    entities: ENTITIES,
    extensions: [Migrator],
    // Dates are handled as UTC everywhere; the driver must not shift them to the host's zone.
    forceUtcTimezone: true,
    // Request code always works on a fork; using the global EM by mistake must fail loudly.
    allowGlobalContext: false,
    // Entities are listed explicitly: no folder scanning, so the same config works from src and dist.
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    // The tenant filter is applied to every query's own table; MikroORM would otherwise LEFT JOIN
    // each to-one reference just to re-apply it there (and hydrate what it joined). References
    // never cross tenants (services set them from tenant-scoped reads), and loaders scope by tenant.
    autoJoinRefsForFilters: false,
    loggerFactory: queryLog ? () => queryLog : undefined,
    debug: queryLog ? ['query'] : false,
    migrations: {
      migrationsList: database.kind === 'sqlite' ? sqliteMigrations : postgresqlMigrations,
      transactional: true,
      // PostgreSQL runs all pending migrations in one transaction (its DDL is transactional). SQLite
      // runs each in its own, so a migration that must turn foreign keys off first can opt out.
      allOrNothing: database.kind === 'postgresql',
      snapshot: false,
      path: path.join(__dirname, 'migrations', database.kind),
      emit: 'ts',
    },
  };
  if (database.kind === 'sqlite') {
    return { ...common, driver: LibSqlDriver, dbName: database.path };
  }
  return { ...common, driver: PostgreSqlDriver, clientUrl: database.url, pool: { min: 0, max: 10 } };
}

/**
 * Connects, then applies committed migrations so an existing database upgrades in place.
 * SQLite gets WAL and a busy timeout so readers do not block the writer.
 */
export async function openDatabase(database: DatabaseConfig, logger: Logger): Promise<Database> {
  if (database.kind === 'sqlite' && database.path !== ':memory:') mkdirSync(path.dirname(database.path), { recursive: true });
  const queryLog = new QueryLog(logger.child({ component: 'orm' }));
  const orm = await MikroORM.init(ormOptions(database, queryLog));
  if (database.kind === 'sqlite') {
    const conn = orm.em.getConnection();
    await conn.execute('pragma journal_mode = wal', [], 'all');
    await conn.execute('pragma busy_timeout = 5000', [], 'all');
    await conn.execute('pragma foreign_keys = on', [], 'all');
  }
  const applied = await withMigrationLock(database, () => orm.getMigrator().up());
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  return { orm, queryLog, dialect: database.kind };
}

/** Arbitrary constant naming Reelgraph's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 7_305_716_421;

/**
 * Runs migrations under a PostgreSQL advisory lock held on a separate session, so instances
 * starting together migrate one after another instead of racing (the second finds nothing to do).
 */
async function withMigrationLock<T>(database: DatabaseConfig, run: () => Promise<T>): Promise<T> {
  if (database.kind !== 'postgresql') return run();
  const lock = new Client({ connectionString: database.url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await run();
  } finally {
    await lock.end();
  }
}
