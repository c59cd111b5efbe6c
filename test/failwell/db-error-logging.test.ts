import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config';
import { type Database, openDatabase } from '../../src/db/orm';
import { ulid } from '../../src/ids';
import { createLogger, type Logger } from '../../src/logger';
import { Tenant } from '../../src/modules/tenants/tenant.entity';
import { createScratchPostgres, databaseKinds, type DbKind, type ScratchDatabase } from '../support/databases';

/** A trace-level logger whose lines land in `lines`, parsed. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[]; text(): string } {
  const raw: string[] = [];
  const logger = createLogger('trace', { write: (line: string) => void raw.push(line) });
  return { logger, get lines() { return raw.map((l) => JSON.parse(l) as Record<string, unknown>); }, text: () => raw.join('') };
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the database to refuse');
}

describe.each(databaseKinds())('database errors in the log (%s)', (kind: DbKind) => {
  let db: Database;
  let log: ReturnType<typeof capturingLogger>;
  let scratch: ScratchDatabase | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-dblog-'));
    scratch = kind === 'postgresql' ? await createScratchPostgres() : undefined;
    const config: DatabaseConfig = scratch ? { kind: 'postgresql', url: scratch.url } : { kind: 'sqlite', path: path.join(dir, 'db.sqlite') };
    log = capturingLogger();
    db = await openDatabase(config, log.logger);
  });

  afterAll(async () => {
    await db?.orm.close(true);
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Logs `error` the ways Reelgraph does: as `err`, as the cause of a wrapping error, and as the only argument. */
  function logLikeTheServer(error: Error): void {
    log.logger.error({ err: error }, 'unexpected error while resolving');
    log.logger.warn({ err: new Error('task failed', { cause: error }) }, 'task failed; will retry');
    log.logger.error(error);
  }

  it('a unique violation logs its class and constraint, never the statement, parameters or values', async () => {
    const marker = `marker-${Date.now().toString(36)}-unique`;
    await db.orm.em.fork().insert(Tenant, { id: ulid(), slug: marker, name: `name of ${marker}`, createdAt: new Date() });
    const error = await failure(() => db.orm.em.fork().insert(Tenant, { id: ulid(), slug: marker, name: `again ${marker}`, createdAt: new Date() }));
    // Positive controls: the driver error does quote the values, and trace-level SQL logging is on.
    expect(error.message).toContain(marker);
    expect(log.lines.some((l) => l.msg === 'sql' && /insert into/i.test(String(l.sql)))).toBe(true);

    logLikeTheServer(error);

    expect(log.text()).not.toContain(marker);
    const logged = log.lines.filter((l) => l.msg === 'unexpected error while resolving').map((l) => l.err as Record<string, unknown>);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ type: 'UniqueConstraintViolationException' });
    if (kind === 'postgresql') expect(logged[0]).toMatchObject({ code: '23505', constraint: 'tenant_slug_unique', table: 'tenant', message: 'duplicate key value violates unique constraint "…"' });
    else expect(String(logged[0].message)).toMatch(/UNIQUE constraint failed: tenant\.slug/);
    expect(String(logged[0].stack)).toMatch(/^\s+at /);
  });

  if (kind !== 'postgresql') return;

  it('a NUL byte refused by PostgreSQL logs the SQLSTATE, not the prompt around it', async () => {
    const marker = `nul-${Date.now().toString(36)}-prompt`;
    const error = await failure(() => db.orm.em.fork().insert(Tenant, { id: ulid(), slug: `s-${Date.now()}`, name: `${marker}\u0000 tail`, createdAt: new Date() }));
    expect(error.message).toContain(marker);

    logLikeTheServer(error);

    expect(log.text()).not.toContain(marker);
    const logged = log.lines.filter((l) => l.msg === 'unexpected error while resolving').at(-1)?.err as Record<string, unknown>;
    expect(logged).toMatchObject({ type: 'DriverException', code: '08P01', message: 'invalid message format' });
  });

  it('a value PostgreSQL quotes back in its message is masked', async () => {
    const marker = `cast-${Date.now().toString(36)}-value`;
    const error = await failure(() => db.orm.em.fork().getConnection().execute('select ?::integer as n', [marker]));
    expect(error.message).toContain(marker);

    logLikeTheServer(error);

    expect(log.text()).not.toContain(marker);
    const logged = log.lines.filter((l) => l.msg === 'unexpected error while resolving').at(-1)?.err as Record<string, unknown>;
    expect(logged).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "…"' });
  });
});
