import { Role } from '../../src/modules/tenants/api-key.entity';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';

/** What a browser sends when the user opens a URL. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** The asset URLs a page shell references. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

describe.each(databaseKinds())('studio and explorer pages over HTTP (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(() => server?.close());

  it('serves the studio at / with a strict CSP and only hash-versioned assets of this origin', async () => {
    const page = await get(`${server.app.origin}/`, { accept: BROWSER_ACCEPT });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain(`connect-src 'self' ws://${new URL(server.app.origin).host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<meta name="reelgraph-explorer" content="on">');
    // No inline script: every <script> loads a file.
    expect(page.body.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/ src="\/assets\//)]);

    const assets = assetsOf(page.body);
    expect(assets).toEqual([expect.stringMatching(/^\/assets\/[0-9a-f]{16}\/studio\.css$/), expect.stringMatching(/^\/assets\/[0-9a-f]{16}\/studio\.js$/)]);
    for (const asset of assets) {
      const file = await get(`${server.app.origin}${asset}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(file.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('answers browsers at GET /graphql with the explorer while API requests on GET /graphql keep working', async () => {
    const explorer = await get(server.graphqlUrl, { accept: BROWSER_ACCEPT });
    expect(explorer.status).toBe(200);
    expect(assetsOf(explorer.body)).toContainEqual(expect.stringMatching(/\/explorer\.js$/));
    // GraphiQL's menus insert <style> elements: inline styles are allowed there, inline scripts never.
    const csp = explorer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline';");
    expect(csp).not.toContain('unsafe-eval');

    const api = await get(`${server.graphqlUrl}?query=${encodeURIComponent('{ models { id } }')}`, { accept: 'application/json', 'apollo-require-preflight': 'true' });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ data: { models: [{ id: 'sora-2' }, { id: 'sora-2-pro' }] } });
    // A client that accepts anything (curl's default) gets the API, not a page.
    const anything = await get(server.graphqlUrl, { accept: '*/*' });
    expect(anything.headers.get('content-type')).not.toMatch(/text\/html/);
  });

  it('refuses assets of another build with a JSON 404', async () => {
    const missing = await get(`${server.app.origin}/assets/0123456789abcdef/studio.js`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('serves the pages without a key once keys exist, while the API behind them still requires one', async () => {
    const { secret } = await server.app.internals.apiKeys.create(`pages-${db}`, Role.MEMBER, 'pages');
    await eventually(() => !server.app.internals.auth.localMode, { what: 'the server to leave local mode' });
    expect((await get(`${server.app.origin}/`, { accept: BROWSER_ACCEPT })).status).toBe(200);
    expect((await get(server.graphqlUrl, { accept: BROWSER_ACCEPT })).status).toBe(200);
    const query = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ models { id } }' }) };
    expect((await fetch(server.graphqlUrl, query)).status).toBe(401);
    const withKey = await fetch(server.graphqlUrl, { ...query, headers: { ...query.headers, authorization: `Bearer ${secret}` } });
    expect(withKey.status).toBe(200);
  });
});

describe('EXPLORER=false', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { EXPLORER: 'false' } });
  });
  afterAll(() => server?.close());

  it('turns the explorer off and leaves the studio on', async () => {
    const explorer = await get(server.graphqlUrl, { accept: BROWSER_ACCEPT });
    expect(explorer.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(explorer.body).not.toContain('explorer.js');
    const studio = await get(`${server.app.origin}/`, { accept: BROWSER_ACCEPT });
    expect(studio.status).toBe(200);
    expect(studio.body).toContain('studio.js');
    // …and tells the studio not to link it.
    expect(studio.body).toContain('<meta name="reelgraph-explorer" content="off">');
  });
});
