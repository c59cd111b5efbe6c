/**
 * `npm run keys -- <command>`: manage API keys from the server's machine, with the same
 * configuration (DATABASE_URL / DATA_DIR) as the server.
 *
 *   create --tenant <slug> [--role admin|member] [--name <label>]   prints the key once
 *   list [--tenant <slug>]
 *   revoke <keyId>                                                   running servers close its connections within seconds
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../config';
import { openDatabase } from '../../db/orm';
import { AppError } from '../../errors';
import { fromGlobalId } from '../../graphql/relay';
import { createLogger } from '../../logger';
import { Role } from './api-key.entity';
import { ApiKeyService } from './api-key.service';
import { Tenant } from './tenant.entity';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfig();
  const db = await openDatabase(config.database, createLogger('warn'));
  const keys = new ApiKeyService(db.orm, config.security.operatorTenant);
  const em = db.orm.em.fork({ clear: true, useContext: false });
  try {
    switch (command) {
      case 'create': {
        const tenant = flag(args, 'tenant');
        if (!tenant) throw new Error('usage: keys create --tenant <slug> [--role admin|member] [--name <label>]');
        const { key, secret } = await keys.create(tenant, (flag(args, 'role') ?? Role.MEMBER) as Role, flag(args, 'name') ?? 'cli');
        console.log(`Created ${key.role} key ${key.id} for tenant '${tenant}'${tenant === config.security.operatorTenant && key.role === Role.ADMIN ? ' (operator admin)' : ''}.`);
        console.log('Store it now; it is not shown again:');
        console.log(secret);
        return 0;
      }
      case 'list': {
        const slug = flag(args, 'tenant');
        const tenants = new Map((await em.find(Tenant, slug ? { slug } : {})).map((t) => [t.id, t.slug]));
        if (slug && tenants.size === 0) throw new Error(`no tenant '${slug}'`);
        for (const key of await keys.list(em, slug ? [...tenants.keys()][0] : undefined)) {
          const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
          console.log(`${key.id}  ${(tenants.get(key.tenantId) ?? '?').padEnd(16)} ${key.role.padEnd(6)} ${key.prefix}…  ${key.name}  (${state})`);
        }
        return 0;
      }
      case 'revoke': {
        const id = args[0];
        if (!id) throw new Error('usage: keys revoke <keyId>');
        const key = await keys.revoke(fromGlobalId(id)?.id ?? id);
        console.log(`Revoked ${key.id}.`);
        return 0;
      }
      default:
        console.error('usage: npm run keys -- create --tenant <slug> [--role admin|member] [--name <label>] | list [--tenant <slug>] | revoke <keyId>');
        return 2;
    }
  } finally {
    await db.orm.close(true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof AppError || error instanceof Error ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
