import { createHash } from 'node:crypto';
import { ApolloClient, gql as apolloGql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createClient, fetchExchange, gql as urqlGql } from '@urql/core';
import { GraphQLClient } from './graphql-request';
import { Environment, fetchQuery, type GraphQLResponse, Network, type RequestParameters, RecordSource, Store, type Variables } from 'relay-runtime';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { VIDEOS_BACKWARD_QUERY, VIDEOS_PAGE_QUERY } from './relay-artifact';

const VIDEOS = 'query ClientVideos($first: Int) { videos(first: $first) { nodes { id prompt } } }';
const CREATE = 'mutation ClientCreate($prompt: String!) { createVideo(input: { prompt: $prompt, size: "1280x720", seconds: 4 }) { video { id prompt } } }';

/** A `fetch` that records the method and content type of every request a client sends. */
function recordingFetch(): { fetch: typeof fetch; sent: { method: string; url: string; contentType: string | null }[] } {
  const sent: { method: string; url: string; contentType: string | null }[] = [];
  return {
    sent,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push({ method: request.method, url: request.url, contentType: request.headers.get('content-type') });
      return fetch(request);
    },
  };
}

describe.each(databaseKinds())('unmodified GraphQL clients (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { JOBS_ENABLED: 'false' } });
  });
  afterAll(() => server.close());

  it('urql with its defaults sends queries as GET, without a custom header, and mutations as POST', async () => {
    const recorder = recordingFetch();
    const client = createClient({ url: server.graphqlUrl, exchanges: [fetchExchange], fetch: recorder.fetch });
    const created = await client.mutation(urqlGql(CREATE), { prompt: 'urql prompt' }).toPromise();
    expect(created.error).toBeUndefined();
    const listed = await client.query(urqlGql(VIDEOS), { first: 100 }).toPromise();
    expect(listed.error).toBeUndefined();
    expect(listed.data.videos.nodes).toEqual(expect.arrayContaining([{ id: created.data.createVideo.video.id, prompt: 'urql prompt' }]));
    expect(recorder.sent.map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('graphql-request works over POST and over GET', async () => {
    const post = new GraphQLClient(server.graphqlUrl);
    const { createVideo } = await post.request<{ createVideo: { video: { id: string } } }>(CREATE, { prompt: 'graphql-request prompt' });
    const recorder = recordingFetch();
    const get = new GraphQLClient(server.graphqlUrl, { method: 'GET', fetch: recorder.fetch });
    const viaGet = await get.request<{ videos: { nodes: { id: string }[] } }>(VIDEOS, { first: 100 });
    expect(viaGet.videos.nodes.map((n) => n.id)).toContain(createVideo.video.id);
    expect(recorder.sent).toEqual([expect.objectContaining({ method: 'GET' })]);
    expect((await post.request<{ videos: { nodes: unknown[] } }>(VIDEOS, { first: 100 })).videos.nodes).toEqual(viaGet.videos.nodes);
  });

  it('Apollo Client works with its HttpLink, and with persisted queries sends the hash alone once registered', async () => {
    const plain = new ApolloClient({ link: new HttpLink({ uri: server.graphqlUrl }), cache: new InMemoryCache() });
    const created = await plain.mutate<{ createVideo: { video: { id: string } } }>({ mutation: apolloGql(CREATE), variables: { prompt: 'apollo prompt' } });
    const { data } = await plain.query<{ videos: { nodes: { id: string }[] } }>({ query: apolloGql(VIDEOS), variables: { first: 100 } });
    expect(data?.videos.nodes.map((n) => n.id)).toContain(created.data?.createVideo.video.id);

    const recorder = recordingFetch();
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const persisted = () => new ApolloClient({ link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: server.graphqlUrl, fetch: recorder.fetch })), cache: new InMemoryCache() });
    const first = await persisted().query<{ videos: { nodes: { id: string }[] } }>({ query: apolloGql(VIDEOS), variables: { first: 100 } });
    expect(first.data).toEqual(data);
    // A fresh client (empty cache): the server already knows the hash, so one request without the query text.
    const bodies: string[] = [];
    const spy = recordingFetch();
    const again = new ApolloClient({
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: server.graphqlUrl, fetch: async (input, init) => (bodies.push(String(init?.body)), spy.fetch(input, init)) })),
      cache: new InMemoryCache(),
    });
    expect((await again.query({ query: apolloGql(VIDEOS), variables: { first: 100 } })).data).toEqual(data);
    expect(bodies).toHaveLength(1);
    expect(JSON.parse(bodies[0])).not.toHaveProperty('query');
    expect(JSON.parse(bodies[0]).extensions.persistedQuery.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Relay (Environment + Network over fetch) pages a connection forward with first/after and backward with last/before', async () => {
    for (let i = 0; i < 3; i++) await new GraphQLClient(server.graphqlUrl).request(CREATE, { prompt: `relay ${i}` });
    const network = Network.create(async (params: RequestParameters, variables: Variables): Promise<GraphQLResponse> => {
      const res = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: params.text, variables }) });
      return (await res.json()) as GraphQLResponse;
    });
    const environment = new Environment({ network, store: new Store(new RecordSource()) });
    type Page = { videos: { edges: { cursor: string; node: { id: string; prompt: string } }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = (await fetchQuery(environment, VIDEOS_PAGE_QUERY, { first: 2, after }).toPromise()) as Page;
      seen.push(...page.videos.edges.map((e) => e.node.id));
      if (!page.videos.pageInfo.hasNextPage) break;
      after = page.videos.pageInfo.endCursor;
    }
    const all = await new GraphQLClient(server.graphqlUrl).request<{ videos: { nodes: { id: string }[] } }>(VIDEOS, { first: 100 });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(all.videos.nodes.map((n) => n.id));
    // Relay normalized the nodes into its store by id.
    expect(environment.getStore().getSource().get(seen[0])).toMatchObject({ id: seen[0] });

    type BackPage = { videos: { edges: { node: { id: string } }[]; pageInfo: { startCursor: string | null; hasPreviousPage: boolean } } };
    const back: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = (await fetchQuery(environment, VIDEOS_BACKWARD_QUERY, { last: 2, before }).toPromise()) as BackPage;
      back.unshift(...page.videos.edges.map((e) => e.node.id));
      if (!page.videos.pageInfo.hasPreviousPage) break;
      before = page.videos.pageInfo.startCursor;
    }
    expect(back).toEqual(seen);
  });
});

describe('GET and CSRF over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { JOBS_ENABLED: 'false' } });
  });
  afterAll(() => server.close());

  const url = (query: string) => `${server.graphqlUrl}?query=${encodeURIComponent(query)}`;

  it('runs a GET query sent with no headers at all', async () => {
    const res = await fetch(url('{ videos { nodes { id } } }'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { videos: { nodes: expect.any(Array) } }, extensions: expect.any(Object) });
  });

  it('refuses a mutation over GET with 405 and a code, creating nothing', async () => {
    const res = await fetch(url('mutation { createVideo(input: { prompt: "over GET", size: "1280x720" }) { video { id } } }'));
    expect(res.status).toBe(405);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/only support query operations/);
    const listed = await server.gql.data('{ videos { nodes { id } } }');
    expect(listed).toEqual({ videos: { nodes: [] } });
  });

  it.each([
    ['text/plain', JSON.stringify({ query: 'mutation { createVideo(input: { prompt: "csrf", size: "1280x720" }) { video { id } } }' })],
    ['application/x-www-form-urlencoded', 'query=mutation%20%7B%20createVideo(input%3A%20%7B%20prompt%3A%20%22csrf%22%20%7D)%20%7B%20video%20%7B%20id%20%7D%20%7D%20%7D'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ videos { nodes { id } } }\r\n--x--\r\n'],
  ])('refuses a cross-site POST with the simple content type %s as CSRF', async (contentType, body) => {
    const res = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': contentType, origin: 'https://evil.example' }, body });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { errors: { message: string; extensions: { code: string; field: string } }[] };
    expect(answer.errors[0].message).toMatch(/CSRF/);
    expect(answer.errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', field: 'content-type' });
    expect(await server.gql.data('{ videos { nodes { id } } }')).toEqual({ videos: { nodes: [] } });
  });

  it('accepts the same POST as JSON (positive control for the CSRF refusals)', async () => {
    const res = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ videos { nodes { id } } }' }) });
    expect(res.status).toBe(200);
  });
});
