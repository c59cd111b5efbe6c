import { Migration } from '@mikro-orm/migrations';

export class Migration20261121060517_lineage_and_assets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "upload" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "kind" text check ("kind" in ('IMAGE', 'VIDEO')) not null, "content_type" varchar(64) not null, "filename" varchar(255) not null, "bytes" int not null, "width" int not null, "height" int not null, "duration_seconds" double precision null, "storage_key" varchar(255) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "upload_pkey" primary key ("id"));`);
    this.addSql(`create index "upload_tenant_id_index" on "upload" ("tenant_id");`);

    this.addSql(`create table "character" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "name" varchar(80) not null, "upstream" varchar(64) not null, "upstream_id" varchar(255) not null, "source_clip_id" varchar(26) not null, "thumbnail_key" varchar(255) null, "idempotency_key" varchar(255) null, "input_hash" varchar(64) null, "created_at" timestamptz not null, constraint "character_pkey" primary key ("id"));`);
    this.addSql(`create index "character_tenant_id_index" on "character" ("tenant_id");`);
    this.addSql(`alter table "character" add constraint "character_tenant_idempotency_unique" unique ("tenant_id", "idempotency_key");`);

    this.addSql(`create table "storyboard" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "status" text check ("status" in ('IN_PROGRESS', 'COMPLETED', 'FAILED')) not null default 'IN_PROGRESS', "model" varchar(100) not null, "size" varchar(16) not null, "scene_count" int not null, "total_seconds" int not null, "current_scene" int not null default 1, "final_video_id" varchar(26) null, "error_code" varchar(64) null, "error_message" text null, "version" int not null default 1, "idempotency_key" varchar(255) null, "input_hash" varchar(64) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "completed_at" timestamptz null, constraint "storyboard_pkey" primary key ("id"));`);
    this.addSql(`create index "storyboard_tenant_id_index" on "storyboard" ("tenant_id");`);
    this.addSql(`alter table "storyboard" add constraint "storyboard_tenant_idempotency_unique" unique ("tenant_id", "idempotency_key");`);

    this.addSql(`create table "storyboard_scene" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "storyboard_id" varchar(26) not null, "index" int not null, "prompt" text not null, "seconds" int not null, "video_id" varchar(26) null, constraint "storyboard_scene_pkey" primary key ("id"));`);
    this.addSql(`create index "storyboard_scene_tenant_id_index" on "storyboard_scene" ("tenant_id");`);
    this.addSql(`create index "storyboard_scene_order_index" on "storyboard_scene" ("storyboard_id", "index");`);

    this.addSql(`create table "extension" ("id" varchar(26) not null, "tenant_id" varchar(26) not null, "index" int not null, "prompt" text not null, "seconds" int not null, "total_seconds" int not null, "source_id" varchar(26) not null, "video_id" varchar(26) not null, "root_id" varchar(26) not null, "created_at" timestamptz not null, constraint "extension_pkey" primary key ("id"));`);
    this.addSql(`create index "extension_tenant_id_index" on "extension" ("tenant_id");`);
    this.addSql(`alter table "extension" add constraint "extension_video_id_unique" unique ("video_id");`);
    this.addSql(`create index "extension_root_id_index" on "extension" ("root_id");`);
    this.addSql(`create index "extension_source_index" on "extension" ("source_id");`);

    this.addSql(`create table "video_character" ("video_id" varchar(26) not null, "character_id" varchar(26) not null, "tenant_id" varchar(26) not null, "position" int not null, constraint "video_character_pkey" primary key ("video_id", "character_id"));`);
    this.addSql(`create index "video_character_tenant_id_index" on "video_character" ("tenant_id");`);
    this.addSql(`create index "video_character_character_index" on "video_character" ("character_id", "video_id");`);

    this.addSql(`alter table "character" add constraint "character_source_clip_id_foreign" foreign key ("source_clip_id") references "upload" ("id") on update cascade;`);

    this.addSql(`alter table "storyboard" add constraint "storyboard_final_video_id_foreign" foreign key ("final_video_id") references "video" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "storyboard_scene" add constraint "storyboard_scene_storyboard_id_foreign" foreign key ("storyboard_id") references "storyboard" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "storyboard_scene" add constraint "storyboard_scene_video_id_foreign" foreign key ("video_id") references "video" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "extension" add constraint "extension_source_id_foreign" foreign key ("source_id") references "video" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "extension" add constraint "extension_video_id_foreign" foreign key ("video_id") references "video" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "extension" add constraint "extension_root_id_foreign" foreign key ("root_id") references "video" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "video_character" add constraint "video_character_video_id_foreign" foreign key ("video_id") references "video" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "video_character" add constraint "video_character_character_id_foreign" foreign key ("character_id") references "character" ("id") on update cascade;`);

    this.addSql(`alter table "video" add column "input_reference_id" varchar(26) null, add column "storyboard_id" varchar(26) null;`);
    this.addSql(`alter table "video" add constraint "video_input_reference_id_foreign" foreign key ("input_reference_id") references "upload" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "video_storyboard_id_index" on "video" ("storyboard_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "character" drop constraint "character_source_clip_id_foreign";`);

    this.addSql(`alter table "video" drop constraint "video_input_reference_id_foreign";`);

    this.addSql(`alter table "video_character" drop constraint "video_character_character_id_foreign";`);

    this.addSql(`alter table "storyboard_scene" drop constraint "storyboard_scene_storyboard_id_foreign";`);

    this.addSql(`drop table if exists "upload" cascade;`);

    this.addSql(`drop table if exists "character" cascade;`);

    this.addSql(`drop table if exists "storyboard" cascade;`);

    this.addSql(`drop table if exists "storyboard_scene" cascade;`);

    this.addSql(`drop table if exists "extension" cascade;`);

    this.addSql(`drop table if exists "video_character" cascade;`);

    this.addSql(`drop index "video_storyboard_id_index";`);
    this.addSql(`alter table "video" drop column "input_reference_id", drop column "storyboard_id";`);
  }

}
