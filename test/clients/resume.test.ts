import WebSocket from 'ws';
import { CreateVideoDocument, LatestEventCursorDocument, ListEventsDocument, type ListEventsQuery } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';
import { resumableEvents, type StreamedEvent } from './resumable-events';

describe.each(databaseKinds())('resuming the event stream after a cut socket (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(() => server.close());

  /** Every event after `after`, in log order, read page by page over HTTP. */
  const allEventsAfter = async (after: string): Promise<string[]> => {
    const cursors: string[] = [];
    let cursor: string | null = after;
    for (;;) {
      const { events }: ListEventsQuery = await server.gql.data(ListEventsDocument, { first: 100, after: cursor });
      cursors.push(...events.edges.map((e) => e.cursor));
      if (!events.pageInfo.hasNextPage) return cursors;
      cursor = events.pageInfo.endCursor ?? null;
    }
  };

  it('latestEventCursor starts at the log head and moves with it', async () => {
    const { latestEventCursor } = await server.gql.data(LatestEventCursorDocument, {});
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A kite on a beach', size: '1280x720', seconds: 4 } });
    await waitForVideo(server.gql, createVideo.video.id);
    const after = await allEventsAfter(latestEventCursor);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect((await server.gql.data(LatestEventCursorDocument, {})).latestEventCursor).toBe(after[after.length - 1]);
    expect(await allEventsAfter((await server.gql.data(LatestEventCursorDocument, {})).latestEventCursor)).toEqual([]);
    // The state carries the version of its latest event, so a client can tell which events it already holds.
    const state = await server.gql.data<{ node: { version: number } }, { id: string }>('query ($id: ID!) { node(id: $id) { ... on Video { version } } }', { id: createVideo.video.id });
    const { events } = await server.gql.data(ListEventsDocument, { first: 100, after: latestEventCursor, subjectId: createVideo.video.id });
    expect(state.node.version).toBe(events.edges[events.edges.length - 1].node.version);
  }, 60_000);

  it('gets every event exactly once, in order, when the socket is cut mid-render', async () => {
    const { latestEventCursor: start } = await server.gql.data(LatestEventCursorDocument, {});
    const received: StreamedEvent[] = [];
    let socket: WebSocket | undefined;
    let connections = 0;
    let releaseRetry!: () => void;
    const gapFilled = new Promise<void>((resolve) => (releaseRetry = resolve));
    const client = resumableEvents({
      url: server.wsUrl,
      after: start,
      onEvent: (event) => received.push(event),
      webSocketImpl: WebSocket,
      // Reconnect only once events committed while the socket was down, so there is a gap to fill.
      retryWait: () => gapFilled,
      on: {
        opened: (opened) => (socket = opened as WebSocket),
        connected: () => void connections++,
      },
    });
    try {
      await eventually(() => connections === 1, { what: 'the first connection' });
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A train crossing a bridge', size: '1280x720', seconds: 4 } });
      const id = createVideo.video.id;
      await eventually(() => received.length >= 1, { what: 'the first event' });
      // Cut the TCP connection without a close frame, as a dropped network does.
      socket?.terminate();
      const seenBeforeCut = received.length;
      await eventually(async () => {
        const all = await allEventsAfter(start);
        return all.length > seenBeforeCut + 1 && all;
      }, { what: 'events committed while the socket is down' });
      expect(received.length).toBe(seenBeforeCut);
      releaseRetry();
      await waitForVideo(server.gql, id);
      const full = await allEventsAfter(start);
      await eventually(() => received.length >= full.length, { what: `all ${full.length} events` });
      expect(connections).toBe(2);
      expect(received.map((e) => e.cursor)).toEqual(full);
      expect(received[received.length - 1].status).toBe('COMPLETED');
    } finally {
      await client.dispose();
    }
  }, 90_000);
});
