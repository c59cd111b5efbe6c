import { CreateVideoDocument, DeleteVideoDocument, GetVideoDocument, ListVideosDocument, RemixVideoDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

describe.each(databaseKinds())('bad input and idempotency (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Rows and upstream requests before and after: a refused request must change neither. */
  async function state() {
    const { videos } = await server.gql.data(ListVideosDocument, { first: 100 });
    return { rows: videos.edges.length, upstream: server.app.emulator!.record.count() };
  }

  const cases: [string, Record<string, unknown>, string, (string | number)[] | undefined, RegExp][] = [
    ['size', { size: '1080x1080' }, 'input.size', ['1280x720', '720x1280'], /size '1080x1080' is not supported by sora-2\. Use 1280x720 or 720x1280\./],
    ['pro-only size on sora-2', { size: '1792x1024' }, 'input.size', ['1280x720', '720x1280'], /not supported by sora-2/],
    ['seconds', { seconds: 10 }, 'input.seconds', [4, 8, 12, 16, 20], /seconds 10 is not supported by sora-2\. Use 4, 8, 12, 16 or 20\./],
    ['model', { model: 'sora-1-turbo' }, 'input.model', undefined, /model 'sora-1-turbo' is not available\. Use sora-2, sora-2-2025-10-06/],
    ['blank prompt', { prompt: '   ' }, 'input.prompt', undefined, /prompt must contain text/],
  ];

  it.each(cases)('refuses a bad %s with a typed error naming the field, and writes nothing', async (_name, patch, field, allowed, message) => {
    const before = await state();
    const error = await server.gql.error(CreateVideoDocument, { input: { prompt: 'A cat', size: '1280x720', seconds: 4, ...patch } });
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe(field);
    if (allowed) expect(error.extensions.allowed).toEqual(allowed);
    expect(error.message).toMatch(message);
    expect(await state()).toEqual(before);
  });

  it('refuses empty and over-long prompts through input validation', async () => {
    const before = await state();
    const empty = await server.gql.error(CreateVideoDocument, { input: { prompt: '' } });
    expect(empty.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.prompt' });
    expect(empty.message).toMatch(/input\.prompt: prompt must be longer than or equal to 1 characters/);
    const long = await server.gql.error(CreateVideoDocument, { input: { prompt: 'x'.repeat(32_001) } });
    expect(long.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.prompt' });
    expect(await state()).toEqual(before);
  });

  it('unknown and malformed ids', async () => {
    const unknown = Buffer.from('Video:01M7Y8KY87NVJAGFC91GGCKHM2').toString('base64url');
    expect((await server.gql.data(GetVideoDocument, { id: unknown })).video).toBeNull();
    expect((await server.gql.data(GetVideoDocument, { id: 'garbage' })).video).toBeNull();
    const remix = await server.gql.error(RemixVideoDocument, { input: { videoId: unknown, prompt: 'x' } });
    expect(remix.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.videoId' });
    const malformed = await server.gql.error(DeleteVideoDocument, { input: { videoId: 'garbage' } });
    expect(malformed.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.videoId' });
  });

  it('malformed GraphQL and out-of-range paging', async () => {
    // A request error: 200 under application/json and 400 under graphql-response+json, as the GraphQL-over-HTTP spec asks.
    const parse = await server.gql.request('{ videos(first: 1) { edges ');
    expect(parse.status).toBe(200);
    expect(parse.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const strict = await server.gql.request('{ videos(first: 1) { edges ', undefined, { accept: 'application/graphql-response+json' });
    expect(strict.status).toBe(400);
    expect(strict.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknownField = await server.gql.request('{ videos { bogus } }');
    expect(unknownField.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const tooMany = await server.gql.error(ListVideosDocument, { first: 101 });
    expect(tooMany.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(tooMany.message).toMatch(/first must be between 1 and 100/);
    const badCursor = await server.gql.error(ListVideosDocument, { first: 5, after: 'nope' });
    expect(badCursor.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('a malformed JSON body gets a JSON error, not a stack trace', async () => {
    const response = await fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0].message).not.toMatch(/at .*\.js/);
  });

  it('same idempotency key + same input returns the same video; a different input is a CONFLICT', async () => {
    const input = { prompt: 'A kite over dunes', size: '1280x720', seconds: 4, idempotencyKey: `kite-${db}` };
    const first = await server.gql.data(CreateVideoDocument, { input });
    const upstreamAfterFirst = server.app.emulator!.record.count();
    const second = await server.gql.data(CreateVideoDocument, { input });
    expect(second.createVideo.video.id).toBe(first.createVideo.video.id);
    expect(server.app.emulator!.record.count()).toBe(upstreamAfterFirst);

    const before = await state();
    const conflict = await server.gql.error(CreateVideoDocument, { input: { ...input, prompt: 'A kite over the sea' } });
    expect(conflict.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(await state()).toEqual(before);
  });

  it('concurrent requests with one idempotency key create one job', async () => {
    const input = { prompt: 'A heron in reeds', size: '1280x720', seconds: 4, idempotencyKey: `heron-${db}` };
    const before = server.app.emulator!.record.count();
    const results = await Promise.all(Array.from({ length: 5 }, () => server.gql.data(CreateVideoDocument, { input })));
    expect(new Set(results.map((r) => r.createVideo.video.id)).size).toBe(1);
    expect(server.app.emulator!.record.count()).toBe(before + 1);
  });

  it('remix of a video that is not COMPLETED is a CONFLICT that says why', async () => {
    server.app.emulator!.faults.set({ latencyMs: 0 });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A slow render', size: '1280x720', seconds: 12 } });
    const error = await server.gql.error(RemixVideoDocument, { input: { videoId: createVideo.video.id, prompt: 'x' } });
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.videoId' });
    expect(error.message).toMatch(/only a COMPLETED video can be remixed/);
    await waitForVideo(server.gql, createVideo.video.id);
  });
});
