import { Migration } from '@mikro-orm/migrations';

export class Migration20261121053853_live_status extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`event\` (\`seq\` integer not null primary key autoincrement, \`tenant_id\` text not null, \`subject\` text not null, \`subject_id\` text not null, \`status\` text not null, \`progress\` integer not null, \`version\` integer not null, \`error_code\` text null, \`occurred_at\` datetime not null);`);
    this.addSql(`create index \`event_tenant_id_index\` on \`event\` (\`tenant_id\`);`);
    this.addSql(`create index \`event_subject_index\` on \`event\` (\`subject_id\`, \`seq\`);`);
    this.addSql(`create index \`event_tenant_seq_index\` on \`event\` (\`tenant_id\`, \`seq\`);`);

    this.addSql(`create table \`webhook_delivery\` (\`id\` text not null, \`type\` text not null, \`object_id\` text null, \`outcome\` text not null, \`received_at\` datetime not null, primary key (\`id\`));`);

  }

}
