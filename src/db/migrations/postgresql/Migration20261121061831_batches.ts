import { Migration } from '@mikro-orm/migrations';

export class Migration20261121061831_batches extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "batch" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "mode" text check ("mode" in ('IMMEDIATE', 'OFFLINE')) not null, "status" text check ("status" in ('VALIDATING', 'IN_PROGRESS', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'EXPIRED')) not null default 'VALIDATING', "total" int not null, "upstream" varchar(64) not null, "metadata" jsonb null, "upstream_batch_id" varchar(255) null, "outcome" text check ("outcome" in ('VALIDATING', 'IN_PROGRESS', 'FINALIZING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'EXPIRED')) null, "error_code" varchar(64) null, "error_message" text null, "export_key" varchar(255) null, "version" int not null default 1, "idempotency_key" varchar(255) null, "input_hash" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "cancelled_at" timestamptz null, "completed_at" timestamptz null, constraint "batch_pkey" primary key ("id"));`);
    this.addSql(`create index "batch_tenant_id_index" on "batch" ("tenant_id");`);
    this.addSql(`alter table "batch" add constraint "batch_tenant_idempotency_unique" unique ("tenant_id", "idempotency_key");`);

    this.addSql(`alter table "upload" drop constraint if exists "upload_kind_check";`);

    this.addSql(`alter table "upload" add constraint "upload_kind_check" check("kind" in ('IMAGE', 'VIDEO', 'JSONL'));`);

    this.addSql(`alter table "video" add column "batch_id" varchar(26) null, add column "custom_id" varchar(255) null;`);
    this.addSql(`create index "video_batch_status_index" on "video" ("batch_id", "status");`);
    this.addSql(`alter table "video" add constraint "video_batch_custom_id_unique" unique ("batch_id", "custom_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "batch" cascade;`);

    this.addSql(`alter table "upload" drop constraint if exists "upload_kind_check";`);

    this.addSql(`alter table "upload" add constraint "upload_kind_check" check("kind" in ('IMAGE', 'VIDEO'));`);

    this.addSql(`drop index "video_batch_status_index";`);
    this.addSql(`alter table "video" drop constraint "video_batch_custom_id_unique";`);
    this.addSql(`alter table "video" drop column "batch_id", drop column "custom_id";`);
  }

}
