import { Migration } from '@mikro-orm/migrations';

export class Migration20261121064223_models_and_budgets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "model_pin" ("alias" varchar(100) not null, "snapshot" varchar(100) null, "canary_snapshot" varchar(100) null, "canary_percent" double precision null, "version" int not null default 1, "updated_at" timestamptz not null, constraint "model_pin_pkey" primary key ("alias"));`);

    this.addSql(`create table "model_pin_change" ("id" varchar(26) not null, "alias" varchar(100) not null, "action" text check ("action" in ('PIN', 'ROLLBACK', 'CANARY_START', 'CANARY_STOP')) not null, "from_snapshot" varchar(100) not null, "to_snapshot" varchar(100) not null, "canary_snapshot" varchar(100) null, "canary_percent" double precision null, "actor" varchar(64) not null, "reason" text not null, "created_at" timestamptz not null, constraint "model_pin_change_pkey" primary key ("id"));`);
    this.addSql(`create index "model_pin_change_alias_index" on "model_pin_change" ("alias", "id");`);

    this.addSql(`create table "tenant_budget" ("tenant_id" varchar(26) not null, "limit_micros" bigint not null, "period_start" bigint not null, "committed_micros" bigint not null, constraint "tenant_budget_pkey" primary key ("tenant_id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "model_pin" cascade;`);

    this.addSql(`drop table if exists "model_pin_change" cascade;`);

    this.addSql(`drop table if exists "tenant_budget" cascade;`);
  }

}
