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

/** Quotes an identifier for the dialect (`character`, `index` are keywords). */
function quote(db: DbKind, name: string): string {
  return db === 'sqlite' ? `\`${name}\`` : `"${name}"`;
}

/** Column names of a table, or none when it does not exist (yet). */
async function columnsOf(conn: ReturnType<MikroORM['em']['getConnection']>, db: DbKind, table: string): Promise<string[]> {
  const rows: { name: string }[] =
    db === 'sqlite'
      ? await conn.execute(`pragma table_info(${quote(db, table)})`, [], 'all')
      : await conn.execute("select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = ?", [table], 'all');
  return rows.map((r) => r.name);
}

const T = '01SEEDTENANT0000000000000A';
const U = '01SEEDUPLOAD0000000000000A';
const C = '01SEEDCHARACTER000000000AA';
const V1 = '01SEEDVIDEO00000000000000A';
const V2 = '01SEEDVIDEO00000000000000B';
const S = '01SEEDSTORYBOARD00000000AA';
const B = '01SEEDBATCH00000000000000A';
const when = (db: DbKind) => (db === 'postgresql' ? new Date('2026-11-01T00:00:00Z') : Date.parse('2026-11-01T00:00:00Z'));

/**
 * One realistic row per table, in dependency order; the first column is the key the test checks.
 * Every table Reelgraph creates must be listed (the test checks that), so a new table gets a seed.
 */
const SEED_ROWS: [string, (db: DbKind) => Record<string, unknown> | Record<string, unknown>[]][] = [
  ['tenant', (db) => ({ id: T, slug: 'seed', name: 'Seed', created_at: when(db) })],
  ['upload', (db) => ({ id: U, tenant_id: T, kind: 'VIDEO', content_type: 'video/mp4', filename: 'c.mp4', bytes: 10, width: 640, height: 360, duration_seconds: 2, storage_key: 'k.mp4', created_at: when(db), expires_at: when(db), used_at: when(db) })],
  ['video', (db) => [
    { id: V1, tenant_id: T, status: 'COMPLETED', progress: 100, prompt: 'seed', model: 'sora-2', upstream: 'embedded', size: '1280x720', seconds: 4, operation: 'CREATE', version: 3, created_at: when(db), updated_at: when(db), input_reference_id: U },
    { id: V2, tenant_id: T, status: 'COMPLETED', progress: 100, prompt: 'more', model: 'sora-2', upstream: 'embedded', size: '1280x720', seconds: 8, operation: 'EXTEND', source_id: V1, version: 3, created_at: when(db), updated_at: when(db) },
  ]],
  ['task', (db) => ({ id: '01SEEDTASK0000000000000000', kind: 'video.poll', subject_id: V1, tenant_id: T, run_at: 1, attempts: 0, created_at: when(db) })],
  ['event', (db) => ({ subject_id: V1, tenant_id: T, subject: 'VIDEO', status: 'COMPLETED', progress: 100, version: 3, occurred_at: when(db) })],
  ['webhook_delivery', (db) => ({ id: 'wh_seed', type: 'video.completed', object_id: 'video_x', outcome: 'matched', received_at: when(db) })],
  ['character', (db) => ({ id: C, tenant_id: T, name: 'Mossy', upstream: 'embedded', upstream_id: 'char_1', source_clip_id: U, created_at: when(db) })],
  ['video_character', () => ({ video_id: V1, character_id: C, tenant_id: T, position: 0 })],
  ['storyboard', (db) => ({ id: S, tenant_id: T, status: 'COMPLETED', model: 'sora-2', size: '1280x720', scene_count: 1, total_seconds: 4, current_scene: 1, version: 1, created_at: when(db), updated_at: when(db) })],
  ['storyboard_scene', () => ({ id: '01SEEDSCENE00000000000000A', tenant_id: T, storyboard_id: S, index: 1, prompt: 'seed', seconds: 4, video_id: V1 })],
  ['extension', (db) => ({ id: '01SEEDEXTENSION000000000AA', tenant_id: T, index: 1, prompt: 'more', seconds: 4, total_seconds: 8, source_id: V1, video_id: V2, root_id: V1, created_at: when(db) })],
  ['batch', (db) => ({ id: B, tenant_id: T, mode: 'IMMEDIATE', status: 'COMPLETED', total: 1, upstream: 'embedded', version: 1, created_at: when(db), updated_at: when(db) })],
  ['model_pin', (db) => ({ alias: 'sora-2', snapshot: 'sora-2-2025-10-06', version: 1, updated_at: when(db) })],
  ['model_pin_change', (db) => ({ id: '01SEEDPINCHANGE000000000AA', alias: 'sora-2', action: 'PIN', from_snapshot: 'sora-2-2025-12-08', to_snapshot: 'sora-2-2025-10-06', actor: 'local', reason: 'seed', created_at: when(db) })],
  ['api_key', (db) => ({ id: '01SEEDAPIKEY0000000000000A', tenant_id: T, role: 'admin', name: 'seed', prefix: 'rgk_seed', hash: 'a'.repeat(64), created_at: when(db) })],
  ['tenant_budget', () => ({ tenant_id: T, limit_micros: 10_000_000, period_start: Date.parse('2026-11-01T00:00:00Z'), committed_micros: 400_000 })],
  ['webhook_endpoint', (db) => ({ id: '01SEEDENDPOINT00000000000A', tenant_id: T, secret: 'whsec_c2VlZA==', url: 'https://hooks.example.com/x', events: '["video.completed"]', description: 'seed', enabled: db === 'sqlite' ? 1 : true, version: 1, created_at: when(db), updated_at: when(db) })],
  ['outbound_delivery', (db) => ({ id: '01SEEDDELIVERY00000000000A', tenant_id: T, endpoint_id: '01SEEDENDPOINT00000000000A', event_id: 'msg_seed', event_type: 'video.completed', payload: '{}', status: 'DELIVERED', attempts: 1, created_at: when(db) })],
  ['job_webhook', (db) => ({ video_id: V1, tenant_id: T, url: 'https://hooks.example.com/job', created_at: when(db) })],
  ['job_webhook_secret', (db) => ({ id: '01SEEDJOBSECRET0000000000A', tenant_id: T, secret: 'whsec_c2VlZA==', created_at: when(db) })],
];

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
    const orm = await MikroORM.init({ ...ormOptions(await freshDatabase('applied')), allowGlobalContext: true, logger: () => undefined });
    try {
      expect((await orm.getMigrator().up()).length).toBeGreaterThan(0);
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      if (db === 'postgresql') {
        expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
      } else {
        // MikroORM's SQLite differ reports phantom changes (enum checks, self references), so
        // compare what the migrations built with what the schema generator builds from the entities.
        const reference = await MikroORM.init({ ...ormOptions(await freshDatabase('reference')), allowGlobalContext: true, logger: () => undefined });
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

  it('upgrade an existing database step by step without losing rows, including rows other tables reference', async () => {
    const orm = await MikroORM.init({ ...ormOptions(await freshDatabase('upgrade')), allowGlobalContext: true, logger: () => undefined });
    try {
      const migrator = orm.getMigrator();
      const conn = orm.em.getConnection();
      const names = (await migrator.getPendingMigrations()).map((m) => m.name);
      expect(names.length).toBeGreaterThan(1);
      const seeded: string[] = [];
      for (const name of names) {
        await migrator.up({ to: name });
        // Tables as they are at this step: seed each new one with a row (only the columns it has yet).
        for (const [table, row] of SEED_ROWS) {
          if (seeded.includes(table)) continue;
          const columns = await columnsOf(conn, db, table);
          if (columns.length === 0) continue;
          for (const values of [row(db)].flat()) {
            const present = Object.entries(values).filter(([column]) => columns.includes(column));
            await conn.execute(`insert into ${quote(db, table)} (${present.map(([c]) => quote(db, c)).join(', ')}) values (${present.map(() => '?').join(', ')})`, present.map(([, v]) => v), 'run');
          }
          seeded.push(table);
        }
      }
      expect([...seeded].sort()).toEqual(SEED_ROWS.map(([table]) => table).sort());
      for (const [table, row] of SEED_ROWS) {
        for (const values of [row(db)].flat()) {
          const [column, value] = Object.entries(values)[0];
          const rows = await conn.execute(`select count(*) as n from ${quote(db, table)} where ${quote(db, column)} = ?`, [value], 'all');
          expect([table, value, Number((rows[0] as { n: number }).n)]).toEqual([table, value, 1]);
        }
      }
      // Every table has a seed, so a future migration cannot rebuild an unseeded table unnoticed.
      const tables: { name: string }[] =
        db === 'sqlite'
          ? await conn.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> 'mikro_orm_migrations'", [], 'all')
          : await conn.execute("select table_name as name from information_schema.tables where table_schema = current_schema() and table_name <> 'mikro_orm_migrations'", [], 'all');
      expect(tables.map((t) => t.name).sort()).toEqual(SEED_ROWS.map(([table]) => table).sort());
    } finally {
      await orm.close(true);
    }
  });
});
