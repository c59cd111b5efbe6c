import { Migration } from '@mikro-orm/migrations';

export class Migration20261201210810_outbound_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "job_webhook" ("video_id" varchar(26) not null, "tenant_id" varchar(26) not null, "url" varchar(2048) not null, "created_at" timestamptz not null, constraint "job_webhook_pkey" primary key ("video_id"));`);
    this.addSql(`create index "job_webhook_tenant_id_index" on "job_webhook" ("tenant_id");`);

    this.addSql(`create table "job_webhook_secret" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "secret" varchar(128) not null, "previous_secret" varchar(128) null, "previous_secret_expires_at" timestamptz null, "created_at" timestamptz not null, constraint "job_webhook_secret_pkey" primary key ("id"));`);
    this.addSql(`create index "job_webhook_secret_tenant_id_index" on "job_webhook_secret" ("tenant_id");`);
    this.addSql(`alter table "job_webhook_secret" add constraint "job_webhook_secret_tenant_unique" unique ("tenant_id");`);

    this.addSql(`create table "outbound_delivery" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "endpoint_id" varchar(26) null, "job_url" varchar(2048) null, "event_id" varchar(40) not null, "event_type" varchar(64) not null, "payload" text not null, "status" text check ("status" in ('PENDING', 'DELIVERED', 'FAILED')) not null default 'PENDING', "attempts" int not null default 0, "last_response_code" int null, "last_latency_ms" int null, "last_error" varchar(500) null, "next_attempt_at" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null, constraint "outbound_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "outbound_delivery_tenant_id_index" on "outbound_delivery" ("tenant_id");`);
    this.addSql(`create index "outbound_delivery_endpoint_index" on "outbound_delivery" ("endpoint_id", "id");`);

    this.addSql(`create table "webhook_endpoint" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "secret" varchar(128) not null, "previous_secret" varchar(128) null, "previous_secret_expires_at" timestamptz null, "url" varchar(2048) not null, "events" jsonb not null, "description" varchar(500) not null default '', "enabled" boolean not null default true, "disabled_reason" text check ("disabled_reason" in ('MANUAL', 'GONE', 'FAILING')) null, "failing_since" timestamptz null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "webhook_endpoint_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_endpoint_tenant_id_index" on "webhook_endpoint" ("tenant_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_webhook" cascade;`);

    this.addSql(`drop table if exists "job_webhook_secret" cascade;`);

    this.addSql(`drop table if exists "outbound_delivery" cascade;`);

    this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
  }

}
