import { Migration } from '@mikro-orm/migrations';

export class Migration20261121065746_api_keys extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`api_key\` (\`id\` text not null, \`tenant_id\` text not null, \`role\` text check (\`role\` in ('admin', 'member')) not null, \`name\` text not null, \`prefix\` text not null, \`hash\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`api_key_hash_unique\` on \`api_key\` (\`hash\`);`);
    this.addSql(`create index \`api_key_tenant_index\` on \`api_key\` (\`tenant_id\`);`);
  }

}
