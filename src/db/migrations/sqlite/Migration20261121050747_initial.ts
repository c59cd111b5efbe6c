import { Migration } from '@mikro-orm/migrations';

export class Migration20261121050747_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`task\` (\`id\` text not null, \`kind\` text not null, \`subject_id\` text not null, \`tenant_id\` text not null, \`run_at\` bigint not null, \`attempts\` integer not null default 0, \`lease_owner\` text null, \`lease_until\` bigint null, \`last_error\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`task_due_index\` on \`task\` (\`run_at\`);`);
    this.addSql(`create unique index \`task_kind_subject_unique\` on \`task\` (\`kind\`, \`subject_id\`);`);

    this.addSql(`create table \`tenant\` (\`id\` text not null, \`slug\` text not null, \`name\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`tenant_slug_unique\` on \`tenant\` (\`slug\`);`);

    this.addSql(`create table \`video\` (\`id\` text not null, \`tenant_id\` text not null, \`status\` text check (\`status\` in ('PENDING', 'QUEUED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')) not null default 'PENDING', \`progress\` integer not null default 0, \`prompt\` text not null, \`model\` text not null, \`resolved_model\` text null, \`upstream\` text not null, \`size\` text not null, \`seconds\` integer not null, \`operation\` text check (\`operation\` in ('CREATE', 'REMIX', 'EDIT', 'EXTEND')) not null default 'CREATE', \`source_id\` text null, \`upstream_id\` text null, \`upstream_status\` text null, \`upstream_expires_at\` datetime null, \`error_code\` text null, \`error_message\` text null, \`error_retryable\` integer null, \`idempotency_key\` text null, \`input_hash\` text null, \`estimated_cost\` double null, \`video_key\` text null, \`thumbnail_key\` text null, \`spritesheet_key\` text null, \`video_bytes\` integer null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`submitted_at\` datetime null, \`completed_at\` datetime null, constraint \`video_source_id_foreign\` foreign key(\`source_id\`) references \`video\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`video_tenant_id_index\` on \`video\` (\`tenant_id\`);`);
    this.addSql(`create index \`video_source_id_index\` on \`video\` (\`source_id\`);`);
    this.addSql(`create index \`video_upstream_id_index\` on \`video\` (\`upstream_id\`);`);
    this.addSql(`create index \`video_tenant_status_index\` on \`video\` (\`tenant_id\`, \`status\`);`);
    this.addSql(`create unique index \`video_tenant_idempotency_unique\` on \`video\` (\`tenant_id\`, \`idempotency_key\`);`);
  }

}
