import { Migration } from '@mikro-orm/migrations';

export class Migration20261121064223_models_and_budgets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`model_pin\` (\`alias\` text not null, \`snapshot\` text null, \`canary_snapshot\` text null, \`canary_percent\` double null, \`version\` integer not null default 1, \`updated_at\` datetime not null, primary key (\`alias\`));`);

    this.addSql(`create table \`model_pin_change\` (\`id\` text not null, \`alias\` text not null, \`action\` text check (\`action\` in ('PIN', 'ROLLBACK', 'CANARY_START', 'CANARY_STOP')) not null, \`from_snapshot\` text not null, \`to_snapshot\` text not null, \`canary_snapshot\` text null, \`canary_percent\` double null, \`actor\` text not null, \`reason\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`model_pin_change_alias_index\` on \`model_pin_change\` (\`alias\`, \`id\`);`);

    this.addSql(`create table \`tenant_budget\` (\`tenant_id\` text not null, \`limit_micros\` bigint not null, \`period_start\` bigint not null, \`committed_micros\` bigint not null, primary key (\`tenant_id\`));`);
  }

}
