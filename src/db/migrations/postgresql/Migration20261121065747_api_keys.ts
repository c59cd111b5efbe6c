import { Migration } from '@mikro-orm/migrations';

export class Migration20261121065747_api_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "role" text check ("role" in ('admin', 'member')) not null, "name" varchar(100) not null, "prefix" varchar(16) not null, "hash" varchar(64) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_key" add constraint "api_key_hash_unique" unique ("hash");`);
    this.addSql(`create index "api_key_tenant_index" on "api_key" ("tenant_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`);
  }

}
