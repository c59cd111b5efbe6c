import { Migration } from '@mikro-orm/migrations';

export class Migration20261121053853_live_status extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "event" ("seq" bigserial primary key, "tenant_id" varchar(26) not null, "subject" varchar(16) not null, "subject_id" varchar(26) not null, "status" varchar(32) not null, "progress" int not null, "version" int not null, "error_code" varchar(64) null, "occurred_at" timestamptz not null);`);
    this.addSql(`create index "event_tenant_id_index" on "event" ("tenant_id");`);
    this.addSql(`create index "event_subject_index" on "event" ("subject_id", "seq");`);
    this.addSql(`create index "event_tenant_seq_index" on "event" ("tenant_id", "seq");`);

    this.addSql(`create table "webhook_delivery" ("id" varchar(255) not null, "type" varchar(64) not null, "object_id" varchar(255) null, "outcome" varchar(16) not null, "received_at" timestamptz not null, constraint "webhook_delivery_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "event" cascade;`);

    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }

}
