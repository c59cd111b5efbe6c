import { CreateVideoDocument, ListEventsDocument, ListVideosDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { countQueries, startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

type Vars = { first?: number; after?: string; last?: number; before?: string };

describe.each(databaseKinds())('paging backward with last/before (%s)', (db) => {
  let server: TestServer;
  /** Every video, newest first, as forward paging sees them. */
  let newestFirst: string[];

  beforeAll(async () => {
    server = await startTestServer({ db });
    for (let i = 0; i < 5; i++) {
      await server.gql.data(CreateVideoDocument, { input: { prompt: `A paper boat drifts down gutter number ${i}`, model: 'sora-2', size: '720x1280', seconds: 4 } });
    }
    const { videos } = await server.gql.data(ListVideosDocument, { first: 100 });
    newestFirst = videos.edges.map((e) => e.node.id);
    expect(newestFirst).toHaveLength(5);
  });
  afterAll(async () => {
    await server?.close();
  });

  const videos = async (vars: Vars) => (await server.gql.data(ListVideosDocument, vars)).videos;

  it('videos(last:) is the end of the list in list order, and before: walks back to the start', async () => {
    const end = await videos({ last: 2 });
    expect(end.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(3));
    expect(end.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false, startCursor: end.edges[0].cursor, endCursor: end.edges[1].cursor });

    const middle = await videos({ last: 2, before: end.pageInfo.startCursor! });
    expect(middle.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(1, 3));
    expect(middle.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });

    const start = await videos({ last: 2, before: middle.pageInfo.startCursor! });
    expect(start.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(0, 1));
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });

    // A cursor from a backward page pages forward again to the same items.
    const forward = await videos({ first: 2, after: start.pageInfo.endCursor! });
    expect(forward.edges.map((e) => e.node.id)).toEqual(newestFirst.slice(1, 3));
    expect(forward.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('last larger than the list gives the whole list without a previous page', async () => {
    const all = await videos({ last: 100 });
    expect(all.edges.map((e) => e.node.id)).toEqual(newestFirst);
    expect(all.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
  });

  it('refuses first with last, last outside 1..100 and a foreign before cursor, naming the argument', async () => {
    const both = await server.gql.error(ListVideosDocument, { first: 2, last: 2 });
    expect(both.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    expect(both.message).toMatch(/first or last, not both/);
    for (const last of [0, 101]) {
      const bad = await server.gql.error(ListVideosDocument, { last });
      expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
      expect(bad.message).toMatch(/last must be between 1 and 100/);
    }
    const badCursor = await server.gql.error(ListVideosDocument, { last: 2, before: 'nope' });
    expect(badCursor.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });

  it('a backward page costs the same number of SQL statements whatever its size', async () => {
    const page = (last: number) => () => videos({ last });
    const small = await countQueries(server, page(1));
    const large = await countQueries(server, page(5));
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('events(last:) pages the log back from the newest event, oldest first within each page', async () => {
    const id = newestFirst[0];
    await waitForVideo(server.gql, id);
    const all = (await server.gql.data(ListEventsDocument, { first: 100, subjectId: id })).events.edges.map((e) => e.cursor);
    expect(all.length).toBeGreaterThanOrEqual(3);

    const walked: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const { events } = await server.gql.data(ListEventsDocument, { last: 2, before, subjectId: id });
      walked.unshift(...events.edges.map((e) => e.cursor));
      expect(events.pageInfo.hasNextPage).toBe(before !== undefined);
      pages++;
      if (!events.pageInfo.hasPreviousPage) break;
      before = events.pageInfo.startCursor!;
    }
    expect(walked).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });
});
