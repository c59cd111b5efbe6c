import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildReelgraphSchema, NO_RESOLVER_INSTANCES, printReelgraphSchema } from '../../src/graphql/schema';

const root = path.join(__dirname, '..', '..');

describe('committed schema artefacts', () => {
  it('schema/schema.graphql matches the schema built from code (run `npm run schema`)', async () => {
    const fromCode = printReelgraphSchema(await buildReelgraphSchema(NO_RESOLVER_INSTANCES));
    const committed = readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(fromCode);
  });

  it('test/generated/graphql.ts and src/web/gql match codegen output (run `npm run codegen`)', () => {
    // The codegen CLI loads ESM-only dependencies Jest cannot require, so it runs in plain Node.
    const script = [
      "require('@swc-node/register');",
      "const { generate } = require('@graphql-codegen/cli');",
      "const config = require('./codegen.ts').default;",
      'generate({ ...config, silent: true }, false).then((out) => process.stdout.write(JSON.stringify(out)));',
    ].join('');
    const outputs = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 })) as { filename: string; content: string }[];
    const generated = outputs.find((o) => o.filename.endsWith('test/generated/graphql.ts'));
    expect(generated).toBeDefined();
    expect(readFileSync(path.join(root, 'test', 'generated', 'graphql.ts'), 'utf8')).toBe(generated!.content);
    // The studio's typed documents (client preset): one file per output, all committed.
    const web = outputs.filter((o) => o.filename.includes('src/web/gql/'));
    expect(web.map((o) => path.basename(o.filename)).sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts']);
    for (const output of web) expect(readFileSync(path.join(root, 'src', 'web', 'gql', path.basename(output.filename)), 'utf8')).toBe(output.content);
  });
});
