import { Migration } from '@mikro-orm/migrations';

export class Migration20261201211021_cancel_retry_timings extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "video" add column "retry_of_id" varchar(26) null, add column "cancelled_after_submit" boolean not null default false, add column "started_at" timestamptz null;`);
    this.addSql(`alter table "video" add constraint "video_retry_of_id_foreign" foreign key ("retry_of_id") references "video" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "video_retry_of_id_index" on "video" ("retry_of_id");`);
    this.addSql(`create index "video_timing_index" on "video" ("tenant_id", "status", "resolved_model", "size", "seconds", "completed_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "video" drop constraint "video_retry_of_id_foreign";`);

    this.addSql(`drop index "video_retry_of_id_index";`);
    this.addSql(`drop index "video_timing_index";`);
    this.addSql(`alter table "video" drop column "retry_of_id", drop column "cancelled_after_submit", drop column "started_at";`);
  }

}
