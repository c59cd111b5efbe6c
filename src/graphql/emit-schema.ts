/** Writes `schema/schema.graphql` from the code: `npm run schema`. A test fails when they differ. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES, printReelgraphSchema } from './schema';

async function main(): Promise<void> {
  const schema = await buildReelgraphSchema(NO_RESOLVER_INSTANCES);
  const file = path.join(__dirname, '..', '..', 'schema', 'schema.graphql');
  writeFileSync(file, printReelgraphSchema(schema));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
