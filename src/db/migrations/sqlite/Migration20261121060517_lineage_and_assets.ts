import { Migration } from '@mikro-orm/migrations';

export class Migration20261121060517_lineage_and_assets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`upload\` (\`id\` text not null, \`tenant_id\` text not null, \`kind\` text check (\`kind\` in ('IMAGE', 'VIDEO')) not null, \`content_type\` text not null, \`filename\` text not null, \`bytes\` integer not null, \`width\` integer not null, \`height\` integer not null, \`duration_seconds\` double null, \`storage_key\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`used_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`upload_tenant_id_index\` on \`upload\` (\`tenant_id\`);`);

    this.addSql(`create table \`character\` (\`id\` text not null, \`tenant_id\` text not null, \`name\` text not null, \`upstream\` text not null, \`upstream_id\` text not null, \`source_clip_id\` text not null, \`thumbnail_key\` text null, \`idempotency_key\` text null, \`input_hash\` text null, \`created_at\` datetime not null, constraint \`character_source_clip_id_foreign\` foreign key(\`source_clip_id\`) references \`upload\`(\`id\`) on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`character_tenant_id_index\` on \`character\` (\`tenant_id\`);`);
    this.addSql(`create index \`character_source_clip_id_index\` on \`character\` (\`source_clip_id\`);`);
    this.addSql(`create unique index \`character_tenant_idempotency_unique\` on \`character\` (\`tenant_id\`, \`idempotency_key\`);`);

    this.addSql(`create table \`storyboard\` (\`id\` text not null, \`tenant_id\` text not null, \`status\` text check (\`status\` in ('IN_PROGRESS', 'COMPLETED', 'FAILED')) not null default 'IN_PROGRESS', \`model\` text not null, \`size\` text not null, \`scene_count\` integer not null, \`total_seconds\` integer not null, \`current_scene\` integer not null default 1, \`final_video_id\` text null, \`error_code\` text null, \`error_message\` text null, \`version\` integer not null default 1, \`idempotency_key\` text null, \`input_hash\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`completed_at\` datetime null, constraint \`storyboard_final_video_id_foreign\` foreign key(\`final_video_id\`) references \`video\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`storyboard_tenant_id_index\` on \`storyboard\` (\`tenant_id\`);`);
    this.addSql(`create index \`storyboard_final_video_id_index\` on \`storyboard\` (\`final_video_id\`);`);
    this.addSql(`create unique index \`storyboard_tenant_idempotency_unique\` on \`storyboard\` (\`tenant_id\`, \`idempotency_key\`);`);

    this.addSql(`create table \`storyboard_scene\` (\`id\` text not null, \`tenant_id\` text not null, \`storyboard_id\` text not null, \`index\` integer not null, \`prompt\` text not null, \`seconds\` integer not null, \`video_id\` text null, constraint \`storyboard_scene_storyboard_id_foreign\` foreign key(\`storyboard_id\`) references \`storyboard\`(\`id\`) on delete cascade on update cascade, constraint \`storyboard_scene_video_id_foreign\` foreign key(\`video_id\`) references \`video\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`storyboard_scene_tenant_id_index\` on \`storyboard_scene\` (\`tenant_id\`);`);
    this.addSql(`create index \`storyboard_scene_storyboard_id_index\` on \`storyboard_scene\` (\`storyboard_id\`);`);
    this.addSql(`create index \`storyboard_scene_video_id_index\` on \`storyboard_scene\` (\`video_id\`);`);
    this.addSql(`create index \`storyboard_scene_order_index\` on \`storyboard_scene\` (\`storyboard_id\`, \`index\`);`);

    this.addSql(`create table \`extension\` (\`id\` text not null, \`tenant_id\` text not null, \`index\` integer not null, \`prompt\` text not null, \`seconds\` integer not null, \`total_seconds\` integer not null, \`source_id\` text not null, \`video_id\` text not null, \`root_id\` text not null, \`created_at\` datetime not null, constraint \`extension_source_id_foreign\` foreign key(\`source_id\`) references \`video\`(\`id\`) on delete cascade on update cascade, constraint \`extension_video_id_foreign\` foreign key(\`video_id\`) references \`video\`(\`id\`) on delete cascade on update cascade, constraint \`extension_root_id_foreign\` foreign key(\`root_id\`) references \`video\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`extension_tenant_id_index\` on \`extension\` (\`tenant_id\`);`);
    this.addSql(`create index \`extension_video_id_index\` on \`extension\` (\`video_id\`);`);
    this.addSql(`create unique index \`extension_video_id_unique\` on \`extension\` (\`video_id\`);`);
    this.addSql(`create index \`extension_root_id_index\` on \`extension\` (\`root_id\`);`);
    this.addSql(`create index \`extension_source_index\` on \`extension\` (\`source_id\`);`);

    this.addSql(`create table \`video_character\` (\`video_id\` text not null, \`character_id\` text not null, \`tenant_id\` text not null, \`position\` integer not null, constraint \`video_character_video_id_foreign\` foreign key(\`video_id\`) references \`video\`(\`id\`) on delete cascade on update cascade, constraint \`video_character_character_id_foreign\` foreign key(\`character_id\`) references \`character\`(\`id\`) on update cascade, primary key (\`video_id\`, \`character_id\`));`);
    this.addSql(`create index \`video_character_video_id_index\` on \`video_character\` (\`video_id\`);`);
    this.addSql(`create index \`video_character_character_id_index\` on \`video_character\` (\`character_id\`);`);
    this.addSql(`create index \`video_character_tenant_id_index\` on \`video_character\` (\`tenant_id\`);`);
    this.addSql(`create index \`video_character_character_index\` on \`video_character\` (\`character_id\`, \`video_id\`);`);

    this.addSql(`alter table \`video\` add column \`input_reference_id\` text null constraint \`video_input_reference_id_foreign\` references \`upload\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`video\` add column \`storyboard_id\` text null;`);
    this.addSql(`create index \`video_input_reference_id_index\` on \`video\` (\`input_reference_id\`);`);
    this.addSql(`create index \`video_storyboard_id_index\` on \`video\` (\`storyboard_id\`);`);
  }

}
