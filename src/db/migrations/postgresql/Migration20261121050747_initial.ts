import { Migration } from '@mikro-orm/migrations';

export class Migration20261121050747_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "task" ("id" varchar(26) not null, "kind" varchar(64) not null, "subject_id" varchar(64) not null, "tenant_id" varchar(26) not null, "run_at" bigint not null, "attempts" int not null default 0, "lease_owner" varchar(64) null, "lease_until" bigint null, "last_error" text null, "created_at" timestamptz not null, constraint "task_pkey" primary key ("id"));`);
    this.addSql(`create index "task_due_index" on "task" ("run_at");`);
    this.addSql(`alter table "task" add constraint "task_kind_subject_unique" unique ("kind", "subject_id");`);

    this.addSql(`create table "tenant" ("id" varchar(26) not null, "slug" varchar(64) not null, "name" varchar(200) not null, "created_at" timestamptz not null, constraint "tenant_pkey" primary key ("id"));`);
    this.addSql(`alter table "tenant" add constraint "tenant_slug_unique" unique ("slug");`);

    this.addSql(`create table "video" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "status" text check ("status" in ('PENDING', 'QUEUED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')) not null default 'PENDING', "progress" int not null default 0, "prompt" text not null, "model" varchar(100) not null, "resolved_model" varchar(100) null, "upstream" varchar(64) not null, "size" varchar(16) not null, "seconds" int not null, "operation" text check ("operation" in ('CREATE', 'REMIX', 'EDIT', 'EXTEND')) not null default 'CREATE', "source_id" varchar(26) null, "upstream_id" varchar(255) null, "upstream_status" varchar(32) null, "upstream_expires_at" timestamptz null, "error_code" varchar(64) null, "error_message" text null, "error_retryable" boolean null, "idempotency_key" varchar(255) null, "input_hash" varchar(64) null, "estimated_cost" double precision null, "video_key" varchar(255) null, "thumbnail_key" varchar(255) null, "spritesheet_key" varchar(255) null, "video_bytes" int null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submitted_at" timestamptz null, "completed_at" timestamptz null, constraint "video_pkey" primary key ("id"));`);
    this.addSql(`create index "video_tenant_id_index" on "video" ("tenant_id");`);
    this.addSql(`create index "video_source_id_index" on "video" ("source_id");`);
    this.addSql(`create index "video_upstream_id_index" on "video" ("upstream_id");`);
    this.addSql(`create index "video_tenant_status_index" on "video" ("tenant_id", "status");`);
    this.addSql(`alter table "video" add constraint "video_tenant_idempotency_unique" unique ("tenant_id", "idempotency_key");`);

    this.addSql(`alter table "video" add constraint "video_source_id_foreign" foreign key ("source_id") references "video" ("id") on update cascade on delete set null;`);
  }

}
