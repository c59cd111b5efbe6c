import { Migration } from '@mikro-orm/migrations';

export class Migration20261121061831_batches extends Migration {
  /**
   * `upload.kind` gains JSONL. SQLite changes a CHECK constraint only by rebuilding the table, and
   * a table others reference (character, video) can only be rebuilt with foreign keys off, which
   * SQLite ignores inside a transaction. So this migration turns them off first, then does its
   * work in its own transaction (SQLite's documented 12-step procedure).
   */
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`begin;`);
    this.addSql(`create table \`batch\` (\`id\` text not null, \`tenant_id\` text not null, \`mode\` text check (\`mode\` in ('IMMEDIATE', 'OFFLINE')) not null, \`status\` text check (\`status\` in ('VALIDATING', 'IN_PROGRESS', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'EXPIRED')) not null default 'VALIDATING', \`total\` integer not null, \`upstream\` text not null, \`metadata\` json null, \`upstream_batch_id\` text null, \`outcome\` text check (\`outcome\` in ('VALIDATING', 'IN_PROGRESS', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'EXPIRED')) null, \`error_code\` text null, \`error_message\` text null, \`export_key\` text null, \`version\` integer not null default 1, \`idempotency_key\` text null, \`input_hash\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`cancelled_at\` datetime null, \`completed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`batch_tenant_id_index\` on \`batch\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`batch_tenant_idempotency_unique\` on \`batch\` (\`tenant_id\`, \`idempotency_key\`);`);

    this.addSql(`create table \`upload__temp_alter\` (\`id\` text not null, \`tenant_id\` text not null, \`kind\` text check (\`kind\` in ('IMAGE', 'VIDEO', 'JSONL')) not null, \`content_type\` text not null, \`filename\` text not null, \`bytes\` integer not null, \`width\` integer not null, \`height\` integer not null, \`duration_seconds\` double null, \`storage_key\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`used_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`insert into \`upload__temp_alter\` select \`id\`, \`tenant_id\`, \`kind\`, \`content_type\`, \`filename\`, \`bytes\`, \`width\`, \`height\`, \`duration_seconds\`, \`storage_key\`, \`created_at\`, \`expires_at\`, \`used_at\` from \`upload\`;`);
    this.addSql(`drop table \`upload\`;`);
    this.addSql(`alter table \`upload__temp_alter\` rename to \`upload\`;`);
    this.addSql(`create index \`upload_tenant_id_index\` on \`upload\` (\`tenant_id\`);`);

    this.addSql(`alter table \`video\` add column \`batch_id\` text null;`);
    this.addSql(`alter table \`video\` add column \`custom_id\` text null;`);
    this.addSql(`create index \`video_batch_status_index\` on \`video\` (\`batch_id\`, \`status\`);`);
    this.addSql(`create unique index \`video_batch_custom_id_unique\` on \`video\` (\`batch_id\`, \`custom_id\`);`);
    this.addSql(`commit;`);
    this.addSql(`pragma foreign_keys = on;`);
  }
}
