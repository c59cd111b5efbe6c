import { Migration } from '@mikro-orm/migrations';

export class Migration20261201211020_cancel_retry_timings extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`video\` add column \`retry_of_id\` text null constraint \`video_retry_of_id_foreign\` references \`video\` (\`id\`) on update cascade on delete set null;`);
    this.addSql(`alter table \`video\` add column \`cancelled_after_submit\` integer not null default false;`);
    this.addSql(`alter table \`video\` add column \`started_at\` datetime null;`);
    this.addSql(`create index \`video_retry_of_id_index\` on \`video\` (\`retry_of_id\`);`);
    this.addSql(`create index \`video_timing_index\` on \`video\` (\`tenant_id\`, \`status\`, \`resolved_model\`, \`size\`, \`seconds\`, \`completed_at\`);`);
  }

}
