import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { serverAudits } from 'graphql-http';
import { createLogger } from '../../src/logger';
import { ListVideosDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';

/** One answer as the client saw it. */
interface Answer {
  status: number;
  contentType: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const CREATE = 'mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id } } }';
const BATCH = 'mutation($input: SubmitBatchInput!) { submitBatch(input: $input) { batch { id } } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A bad request, what it must answer (status under application/json, and under graphql-response+json when it differs). */
interface Case {
  name: string;
  body: unknown;
  status: number;
  strictStatus?: number;
  code: string;
  message: RegExp;
  field?: string;
}

const cases: Case[] = [
  { name: 'a missing variable', body: { query: 'query($id: ID!) { video(id: $id) { id } }', variables: {} }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: '$id', message: /"\$id" of required type "ID!" was not provided/ },
  { name: 'a wrongly typed variable', body: { query: 'query($n: Int) { videos(first: $n) { nodes { id } } }', variables: { n: 'ten' } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: '$n', message: /Int cannot represent non-integer value/ },
  { name: 'a wrongly typed input field', body: { query: CREATE, variables: { input: { prompt: 5 } } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: '$input', message: /String cannot represent a non string value/ },
  { name: 'a syntax error', body: { query: '{ videos(first: 1) { edges ' }, status: 200, strictStatus: 400, code: 'GRAPHQL_PARSE_FAILED', message: /Syntax Error/ },
  { name: 'an unknown field', body: { query: '{ videos { bogus } }' }, status: 200, strictStatus: 400, code: 'GRAPHQL_VALIDATION_FAILED', message: /Cannot query field "bogus"/ },
  { name: 'an unknown persisted query', body: { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknown }') } } }, status: 200, code: 'PERSISTED_QUERY_NOT_FOUND', message: /PersistedQueryNotFound/ },
  { name: 'a persisted-query hash that is not its query\'s', body: { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } }, status: 400, code: 'BAD_REQUEST', field: 'extensions.persistedQuery.sha256Hash', message: /does not match the query/ },
  { name: 'persisted-query version 2', body: { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ __typename }') } } }, status: 400, code: 'BAD_REQUEST', field: 'extensions.persistedQuery.version', message: /version must be 1 \(got 2\)/ },
  { name: 'a subscription over HTTP', body: { query: 'subscription { videosUpdated { id } }' }, status: 400, code: 'BAD_REQUEST', message: /WebSocket/ },
  { name: 'a batch of operations', body: [{ query: '{ __typename }' }, { query: '{ __typename }' }], status: 400, code: 'BAD_REQUEST', message: /one operation per request/ },
  { name: '20,000 aliased __typename', body: { query: `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }, status: 400, code: 'QUERY_TOO_COMPLEX', message: /limit is 100000/ },
  { name: '3,000 spreads of one fragment', body: { query: `{ ${'...F '.repeat(3000)}} fragment F on Query { __typename }` }, status: 400, code: 'QUERY_TOO_COMPLEX', message: /more than 2000 tokens/ },
  { name: 'a NUL in a prompt variable', body: { query: CREATE, variables: { input: { prompt: 'A cat\u0000', size: '1280x720' } } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: 'input.prompt', message: /input\.prompt contains the control character U\+0000/ },
  { name: 'a NUL in a prompt literal', body: { query: 'mutation { createVideo(input: { prompt: "A cat\\u0000", size: "1280x720" }) { video { id } } }' }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: 'input.prompt', message: /U\+0000/ },
  { name: 'a control character in an id', body: { query: 'query($id: ID!) { video(id: $id) { id } }', variables: { id: 'abc\u0007' } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: 'id', message: /U\+0007/ },
  { name: 'a NUL in a batch customId', body: { query: BATCH, variables: { input: { items: [{ customId: 'ok', prompt: 'Fine' }, { customId: 'c\u0000', prompt: 'Fine' }] } } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: 'input.items[1].customId', message: /U\+0000/ },
  { name: 'a control character in batch metadata', body: { query: BATCH, variables: { input: { items: [{ customId: 'ok', prompt: 'Fine' }], metadata: { scene: 'one\u001btwo' } } } }, status: 200, strictStatus: 400, code: 'BAD_USER_INPUT', field: 'input.metadata.scene', message: /U\+001B/ },
];

describe.each(databaseKinds())('GraphQL over HTTP fails well (%s)', (db) => {
  let server: TestServer;
  const lines: Record<string, unknown>[] = [];
  /** Every status the server answered in this suite: none may be 500. */
  const statuses: number[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startTestServer({ db, logger: createLogger('info', sink) });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    statuses.push(response.status);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: (await response.json()) as Answer['body'] };
  }

  /** Rows, batches and upstream requests: a refused request must change none of them. */
  async function state() {
    const { videos } = await server.gql.data(ListVideosDocument, { first: 100 });
    const batches = (await post({ query: '{ batches(first: 100) { nodes { id } } }' })).body.data as { batches: { nodes: unknown[] } };
    return { videos: videos.edges.length, batches: batches.batches.nodes.length, upstream: server.app.emulator!.record.count() };
  }

  it.each(cases)('$name: a stable code, the spec\'s status, a message that says what to change, nothing written', async ({ body, status, strictStatus, code, message, field }) => {
    const before = await state();
    const logged = lines.length;
    const [answer, probe] = await Promise.all([post(body), post({ query: '{ __typename }' })]);
    expect(probe.body).toMatchObject({ data: { __typename: 'Query' } });
    expect(answer.status).toBe(status);
    expect(answer.body.data ?? undefined).toBeUndefined();
    expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code, ...(field ? { field } : {}) } });
    expect(answer.body.errors?.[0].message).toMatch(message);
    expect(JSON.stringify(answer.body)).not.toMatch(/stacktrace|at .*\.(js|ts):\d+/);
    const strict = await post(body, { accept: GRAPHQL_RESPONSE_JSON });
    expect(strict.status).toBe(strictStatus ?? status);
    expect(strict.body.errors?.[0].extensions?.code).toBe(code);
    expect(await state()).toEqual(before);
    // Logged once per request at info, with the request id and no stack; nothing at error.
    const mine = lines.slice(logged).filter((l) => l.msg === 'GraphQL request refused');
    expect(lines.slice(logged).filter((l) => Number(l.level) >= 50)).toEqual([]);
    if (code !== 'PERSISTED_QUERY_NOT_FOUND') {
      expect(mine).toHaveLength(2);
      expect(mine[0]).toMatchObject({ level: 30, requestId: expect.any(String), codes: [code] });
    }
    expect(JSON.stringify(mine)).not.toMatch(/"stack"/);
  });

  it('a JSON Lines batch item with a NUL in its customId or prompt is refused naming the line, nothing written', async () => {
    const before = await state();
    for (const item of [{ customId: 'a\u0000b', prompt: 'Fine' }, { customId: 'ok', prompt: 'Bad\u0000prompt' }]) {
      const upload = await uploadFile(server.app.origin, Buffer.from(`${JSON.stringify({ customId: 'first', prompt: 'Fine' })}\n${JSON.stringify(item)}\n`), 'items.jsonl');
      expect(upload.status).toBe(201);
      const answer = await post({ query: BATCH, variables: { input: { itemsUploadId: upload.body.id } } });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.itemsUploadId', index: 1 } });
      expect(answer.body.errors?.[0].message).toMatch(/^line 2.*contains the control character U\+0000; remove it/);
    }
    expect(await state()).toEqual(before);
    // Positive control: tab, line feed and carriage return are text, and the same batch without the NUL is accepted.
    const fine = await post({ query: BATCH, variables: { input: { items: [{ customId: 'tabbed', prompt: 'A cat\tin\r\nthe rain' }] } } });
    expect(fine.body.errors).toBeUndefined();
    expect((await state()).batches).toBe(before.batches + 1);
  });

  it('non-JSON and malformed bodies stay 400 BAD_REQUEST, without a stack trace', async () => {
    for (const body of ['{"query": ', 'not json at all']) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
      expect(answer.body.errors?.[0].message).not.toMatch(/at .*\.js/);
    }
  });

  it('passes every graphql-http server audit with no error and no warning', async () => {
    const results = await Promise.all(serverAudits({ url: server.graphqlUrl }).map((audit) => audit.fn()));
    expect(results.length).toBeGreaterThan(30);
    const failed = results.filter((r) => r.status === 'error' || r.status === 'warn').map((r) => `${r.status}: ${r.name}: ${"reason" in r ? r.reason : ""}`);
    expect(failed).toEqual([]);
  });

  it('a real fault is masked for the client and logged at error, with the request id and its stack', async () => {
    const logged = lines.length;
    // A service failing with an error nobody expected (not an AppError) is a fault of the server, not of the request.
    const fault = jest.spyOn(server.app.internals.apiKeys, 'list').mockRejectedValueOnce(new Error('key store on fire: /var/lib/secret'));
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `fault-${db}` }, body: JSON.stringify({ query: '{ apiKeys { id } }' }) });
    expect(fault).toHaveBeenCalledTimes(1);
    fault.mockRestore();
    const body = (await response.json()) as Answer['body'];
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'INTERNAL_SERVER_ERROR' }, message: expect.stringMatching(/retry later/) });
    expect(JSON.stringify(body)).not.toMatch(/on fire|secret/);
    const errors = lines.slice(logged).filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ requestId: `fault-${db}`, msg: 'unexpected error while resolving', err: { stack: expect.any(String) } });
  });

  it('answered no request of this suite with a 500', () => {
    // Positive control: the counter saw every case above.
    expect(statuses.length).toBeGreaterThan(cases.length * 3);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
