import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig } from '../../src/config';
import { ormOptions } from '../../src/db/orm';
import { createScratchPostgres, databaseKinds, type DbKind } from '../support/databases';

/** Tables, columns (name, type, null, default, pk), indexes and foreign keys of a SQLite database. */
async function describeSqlite(orm: MikroORM): Promise<Record<string, unknown>> {
  const conn = orm.em.getConnection();
  const tables = await conn.execute<{ name: string }[]>(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations' order by name",
    [],
    'all',
  );
  const result: Record<string, unknown> = {};
  for (const { name } of tables) {
    // Column order is not compared: SQLite appends columns added by later migrations.
    type Column = { cid?: number; name: string };
    type ForeignKey = { id?: number; seq?: number; from: string };
    const columns: Column[] = await conn.execute(`pragma table_info(\`${name}\`)`, [], 'all');
    const foreignKeys: ForeignKey[] = await conn.execute(`pragma foreign_key_list(\`${name}\`)`, [], 'all');
    result[name] = {
      columns: columns.map(({ cid: _cid, ...column }: Column) => column).sort((a: Column, b: Column) => a.name.localeCompare(b.name)),
      indexes: (await conn.execute<{ name: string; unique: number }[]>(`pragma index_list(\`${name}\`)`, [], 'all')).map((i: { name: string; unique: number }) => `${i.name}:${i.unique}`).sort(),
      foreignKeys: foreignKeys.map(({ id: _id, seq: _seq, ...fk }: ForeignKey) => fk).sort((a: ForeignKey, b: ForeignKey) => a.from.localeCompare(b.from)),
    };
  }
  return result;
}

/** The committed migrations, in both dialects: they build the entities' schema and upgrade in place. */
describe.each(databaseKinds())('migrations (%s)', (db: DbKind) => {
  let tmp: string;
  const drops: (() => Promise<void>)[] = [];

  /** A fresh, empty database of this suite's kind. */
  async function freshDatabase(name: string): Promise<DatabaseConfig> {
    if (db === 'sqlite') return { kind: 'sqlite', path: path.join(tmp, `${name}.sqlite`) };
    const scratch = await createScratchPostgres();
    drops.push(scratch.drop);
    return { kind: 'postgresql', url: scratch.url };
  }

  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-mig-'));
  });
  afterAll(async () => {
    for (const drop of drops) await drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('apply cleanly and leave no difference from the entities (run `npm run db:migration -- <name>` after changing an entity)', async () => {
    const orm = await MikroORM.init({ ...ormOptions(await freshDatabase('applied')), allowGlobalContext: true });
    try {
      expect((await orm.getMigrator().up()).length).toBeGreaterThan(0);
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      if (db === 'postgresql') {
        expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      } else {
        // MikroORM's SQLite differ reports phantom changes (enum checks, self references), so
        // compare what the migrations built with what the schema generator builds from the entities.
        const reference = await MikroORM.init({ ...ormOptions(await freshDatabase('reference')), allowGlobalContext: true });
        try {
          await reference.schema.createSchema();
          expect(await describeSqlite(orm)).toEqual(await describeSqlite(reference));
        } finally {
          await reference.close(true);
        }
      }
    } finally {
      await orm.close(true);
    }
  });

  it('upgrade an existing database without losing its rows', async () => {
    const orm = await MikroORM.init({ ...ormOptions(await freshDatabase('upgrade')), allowGlobalContext: true });
    try {
      const migrator = orm.getMigrator();
      const [first, ...later] = (await migrator.getPendingMigrations()).map((m) => m.name);
      expect(later.length).toBeGreaterThan(0);
      await migrator.up({ to: first });
      const conn = orm.em.getConnection();
      const now = db === 'postgresql' ? new Date() : Date.now();
      await conn.execute(
        'insert into video (id, tenant_id, status, progress, prompt, model, upstream, size, seconds, operation, version, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ['01M7Y8KY87NVJAGFC91GGCKHM2', '01M7Y8KY3VFKK2SBA9PKVRJV20', 'COMPLETED', 100, 'kept across upgrades', 'sora-2', 'embedded', '1280x720', 4, 'CREATE', 3, now, now],
        'run',
      );
      await migrator.up();
      const rows = await conn.execute<{ prompt: string; version: number }[]>('select prompt, version from video', [], 'all');
      expect(rows).toEqual([{ prompt: 'kept across upgrades', version: 3 }]);
    } finally {
      await orm.close(true);
    }
  });
});
