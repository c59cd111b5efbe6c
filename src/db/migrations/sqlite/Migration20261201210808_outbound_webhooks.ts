import { Migration } from '@mikro-orm/migrations';

export class Migration20261201210808_outbound_webhooks extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`job_webhook\` (\`video_id\` text not null, \`tenant_id\` text not null, \`url\` text not null, \`created_at\` datetime not null, primary key (\`video_id\`));`);
    this.addSql(`create index \`job_webhook_tenant_id_index\` on \`job_webhook\` (\`tenant_id\`);`);

    this.addSql(`create table \`job_webhook_secret\` (\`id\` text not null, \`tenant_id\` text not null, \`secret\` text not null, \`previous_secret\` text null, \`previous_secret_expires_at\` datetime null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`job_webhook_secret_tenant_id_index\` on \`job_webhook_secret\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`job_webhook_secret_tenant_unique\` on \`job_webhook_secret\` (\`tenant_id\`);`);

    this.addSql(`create table \`outbound_delivery\` (\`id\` text not null, \`tenant_id\` text not null, \`endpoint_id\` text null, \`job_url\` text null, \`event_id\` text not null, \`event_type\` text not null, \`payload\` text not null, \`status\` text check (\`status\` in ('PENDING', 'DELIVERED', 'FAILED')) not null default 'PENDING', \`attempts\` integer not null default 0, \`last_response_code\` integer null, \`last_latency_ms\` integer null, \`last_error\` text null, \`next_attempt_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`outbound_delivery_tenant_id_index\` on \`outbound_delivery\` (\`tenant_id\`);`);
    this.addSql(`create index \`outbound_delivery_endpoint_index\` on \`outbound_delivery\` (\`endpoint_id\`, \`id\`);`);

    this.addSql(`create table \`webhook_endpoint\` (\`id\` text not null, \`tenant_id\` text not null, \`secret\` text not null, \`previous_secret\` text null, \`previous_secret_expires_at\` datetime null, \`url\` text not null, \`events\` json not null, \`description\` text not null default '', \`enabled\` integer not null default true, \`disabled_reason\` text check (\`disabled_reason\` in ('MANUAL', 'GONE', 'FAILING')) null, \`failing_since\` datetime null, \`version\` integer not null default 1, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_endpoint_tenant_id_index\` on \`webhook_endpoint\` (\`tenant_id\`);`);
  }

}
