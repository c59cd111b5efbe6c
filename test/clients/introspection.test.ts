import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getIntrospectionQuery } from 'graphql';
import { startTestServer, type TestServer } from '../support/server';

type Body = { data?: { __schema?: { types: unknown[] } } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/** Every option graphql-js 16 knows, as GraphiQL, Postman and graphql-inspector send them. */
const FULL_INTROSPECTION = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, ...({ oneOf: true } as object) });

/** Type references nested `levels` deep, far past MAX_QUERY_DEPTH. */
function deepTypeRef(levels: number): string {
  let selection = 'name';
  for (let i = 0; i < levels; i++) selection = `kind name ofType { ${selection} }`;
  return `{ __type(name: "Video") { fields { type { ${selection} } } } }`;
}

// Introspection reads the schema, never the database: one database kind covers it.
describe('introspection', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const post = async (query: string): Promise<{ status: number; body: Body }> => {
    const res = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: res.status, body: (await res.json()) as Body };
  };

  it('answers the full standard introspection query within the default limits', async () => {
    const { status, body } = await post(FULL_INTROSPECTION);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data?.__schema?.types.length).toBeGreaterThan(50);
  });

  it('does not count introspection nesting against the depth limit, but still counts real fields', async () => {
    const deep = await post(deepTypeRef(30));
    expect(deep.body.errors).toBeUndefined();
    // Positive control: the same limits still refuse an expensive real selection next to it.
    const pages = Array.from({ length: 60 }, (_, i) => `p${i}: videos(first: 100) { nodes { id } }`).join(' ');
    const mixed = await post(`{ __schema { types { name } } ${pages} }`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxCost: 5000 });
  });

  it('still bounds introspection by the document token limit', async () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: __schema { queryType { name } }`).join(' ');
    const { status, body } = await post(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(body.data).toBeUndefined();
  });

  it('lets GraphQL Code Generator build typed operations from the running server URL', async () => {
    // The installed CLI, as a developer runs it (its programmatic entry loads ESM-only yargs, which jest cannot require).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-codegen-'));
    try {
      const output = path.join(dir, 'reelgraph.ts');
      const config = { schema: server.graphqlUrl, documents: [path.resolve('schema/operations/*.graphql')], generates: { [output]: { plugins: ['typescript', 'typescript-operations'] } } };
      writeFileSync(path.join(dir, 'codegen.json'), JSON.stringify(config));
      await promisify(execFile)(process.execPath, [path.resolve('node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', path.join(dir, 'codegen.json')], { timeout: 60_000 });
      const content = readFileSync(output, 'utf8');
      expect(content).toMatch(/export (type|enum) VideoStatus\b/);
      expect(content).toMatch(/export type CreateVideoMutation = \{/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
