import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig } from '../../src/config';
import { ormOptions } from '../../src/db/orm';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';

/** Tables, columns (name, type, null, default, pk), indexes and foreign keys of a SQLite database. */
async function describeSqlite(orm: MikroORM): Promise<Record<string, unknown>> {
  const conn = orm.em.getConnection();
  const tables = await conn.execute<{ name: string }[]>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations' order by name", [], 'all');
  const result: Record<string, unknown> = {};
  for (const { name } of tables) {
    result[name] = {
      columns: await conn.execute(`pragma table_info(\`${name}\`)`, [], 'all'),
      indexes: (await conn.execute<{ name: string; unique: number }[]>(`pragma index_list(\`${name}\`)`, [], 'all')).map((i: { name: string; unique: number }) => `${i.name}:${i.unique}`).sort(),
      foreignKeys: await conn.execute(`pragma foreign_key_list(\`${name}\`)`, [], 'all'),
    };
  }
  return result;
}

/** The committed migrations must produce exactly the schema the entities describe, in both dialects. */
describe.each(databaseKinds())('migrations (%s)', (db) => {
  let tmp: string;
  let scratch: ScratchDatabase | undefined;
  let config: DatabaseConfig;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-mig-'));
    scratch = db === 'postgresql' ? await createScratchPostgres() : undefined;
    config = scratch ? { kind: 'postgresql', url: scratch.url } : { kind: 'sqlite', path: path.join(tmp, 'm.sqlite') };
  });
  afterAll(async () => {
    await scratch?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('apply cleanly and leave no difference from the entities (run `npm run db:migration -- <name>` after changing an entity)', async () => {
    const orm = await MikroORM.init({ ...ormOptions(config), allowGlobalContext: true });
    try {
      const applied = await orm.getMigrator().up();
      expect(applied.length).toBeGreaterThan(0);
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      if (db === 'postgresql') {
        expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      } else {
        // MikroORM's SQLite differ reports phantom changes (enum checks, self references), so
        // compare what the migrations built with what the schema generator builds from the entities.
        const reference = await MikroORM.init({ ...ormOptions({ kind: 'sqlite', path: path.join(tmp, 'ref.sqlite') }), allowGlobalContext: true });
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
});
