import WebSocket from 'ws';
import { CreateVideoDocument, EventsStreamDocument, ListEventsDocument, VideoUpdatedDocument, VideosUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { subscribe, wsClient } from '../support/ws';

describe.each(databaseKinds())('subscriptions over WebSocket (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { WS_CONNECTION_INIT_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('videoUpdated sends the current state, then QUEUED → IN_PROGRESS (rising progress) → COMPLETED with a working downloadUrl', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A hummingbird at a feeder', size: '1280x720', seconds: 4 } });
      const sub = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await sub.done;
      expect(sub.errors).toEqual([]);
      const states = sub.values.map((v) => v.videoUpdated);
      expect(states[0].status).toBe('QUEUED');
      const last = states[states.length - 1];
      expect(last.status).toBe('COMPLETED');
      expect(last.progress).toBe(100);
      // Statuses never go back, progress never decreases, and something is seen in between.
      const rank = { PENDING: 0, QUEUED: 1, IN_PROGRESS: 2, COMPLETED: 3, FAILED: 3, CANCELLED: 3 } as const;
      for (let i = 1; i < states.length; i++) {
        expect(rank[states[i].status]).toBeGreaterThanOrEqual(rank[states[i - 1].status]);
        expect(states[i].progress).toBeGreaterThanOrEqual(states[i - 1].progress);
      }
      const inProgress = states.filter((s) => s.status === 'IN_PROGRESS');
      expect(inProgress.length).toBeGreaterThan(0);
      expect(new Set(inProgress.map((s) => s.progress)).size).toBeGreaterThan(1);
      const mp4 = await fetch(last.downloadUrl as string);
      expect(mp4.status).toBe(200);
      expect(mp4.headers.get('content-type')).toBe('video/mp4');
      expect(states.slice(0, -1).every((s) => s.downloadUrl === null)).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('videoUpdated of a finished video sends its state once and completes; an unknown id is NOT_FOUND', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A quiet pond', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id);
    const client = wsClient(server.wsUrl);
    try {
      const done = subscribe(client, VideoUpdatedDocument, { id: createVideo.video.id });
      await done.done;
      expect(done.values.map((v) => v.videoUpdated.status)).toEqual(['COMPLETED']);
      const unknown = subscribe(client, VideoUpdatedDocument, { id: Buffer.from('Video:01M7Y8KY87NVJAGFC91GGCKHM2').toString('base64url') });
      await unknown.done;
      expect(unknown.errors[0]?.extensions?.code).toBe('NOT_FOUND');
      const malformed = subscribe(client, VideoUpdatedDocument, { id: 'nope' });
      await malformed.done;
      expect(malformed.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await client.dispose();
    }
  });

  it('videosUpdated streams the viewer\'s feed, filtered', async () => {
    const client = wsClient(server.wsUrl);
    try {
      const all = subscribe(client, VideosUpdatedDocument, {});
      const completedOnly = subscribe(client, VideosUpdatedDocument, { filter: { status: ['COMPLETED'] } });
      await new Promise((r) => setTimeout(r, 200));
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A feed of fireflies', size: '1280x720' } });
      const id = createVideo.video.id;
      await completedOnly.until((v) => v.videosUpdated.id === id);
      await all.until((v) => v.videosUpdated.id === id && v.videosUpdated.status === 'COMPLETED');
      expect(completedOnly.values.every((v) => v.videosUpdated.status === 'COMPLETED')).toBe(true);
      expect(all.values.filter((v) => v.videosUpdated.id === id).map((v) => v.videosUpdated.status)).toContain('IN_PROGRESS');
      all.close();
      completedOnly.close();
    } finally {
      await client.dispose();
    }
  });

  it('re-subscribing with the same document does not parse or validate it again', async () => {
    const documents = server.app.internals.documents;
    const client = wsClient(server.wsUrl);
    try {
      const first = subscribe(client, VideosUpdatedDocument, { filter: { status: ['FAILED'] } });
      await new Promise((r) => setTimeout(r, 100));
      const misses = documents.stats.misses;
      const hits = documents.stats.hits;
      first.close();
      const second = subscribe(client, VideosUpdatedDocument, { filter: { status: ['CANCELLED'] } });
      await new Promise((r) => setTimeout(r, 100));
      expect(documents.stats.misses).toBe(misses);
      expect(documents.stats.hits).toBe(hits + 1);
      second.close();
    } finally {
      await client.dispose();
    }
  });

  it('a connection that never sends connection_init is closed with 4408', async () => {
    const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  });

  it('the event log replays exactly the missed events when a stream resumes from its cursor', async () => {
    const client = wsClient(server.wsUrl);
    try {
      // Follow one video's events live, then disconnect halfway.
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A resumable sunrise', size: '1280x720', seconds: 4 } });
      const id = createVideo.video.id;
      const live = subscribe(client, EventsStreamDocument, { subjectId: id });
      const firstSeen = await live.until((e) => e.events.status === 'IN_PROGRESS');
      live.close();
      const seen = live.values.map((e) => e.events);
      const cursor = seen[seen.length - 1].cursor;
      expect(seen.map((e) => e.cursor)).toContain(firstSeen.events.cursor);

      await waitForVideo(server.gql, id);
      // What the log says happened after the cursor…
      const { events } = await server.gql.data(ListEventsDocument, { subjectId: id, after: cursor, first: 100 });
      const missed = events.edges.map((e) => e.node);
      expect(missed.at(-1)?.status).toBe('COMPLETED');
      // …is exactly what a resumed stream replays: no gaps, no repeats, same order.
      const resumed = subscribe(client, EventsStreamDocument, { subjectId: id, after: cursor });
      await resumed.until((e) => e.events.status === 'COMPLETED');
      resumed.close();
      const replayed = resumed.values.map((e) => e.events);
      expect(replayed.map((e) => e.cursor)).toEqual(missed.map((e) => e.cursor));
      const versions = [...seen, ...replayed].map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => versions[0] + i));
      expect(replayed.every((e) => e.subjectId === id)).toBe(true);
    } finally {
      await client.dispose();
    }
  });
});
