import { CreateVideoDocument, VideoUpdatedDocument, VideosUpdatedDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { subscribe, wsClient } from '../support/ws';

describe('subscription cohorts', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Jobs wait 1.5 s in the queue, so every subscriber is in before the first change.
    server = await startTestServer({ env: { EMULATOR_QUEUED_MS: '1500' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('identical subscriptions execute each change once and all receive it; another document is its own cohort', async () => {
    const { cohorts } = server.app.internals;
    const clients = [wsClient(server.wsUrl), wsClient(server.wsUrl)];
    try {
      const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A flock of starlings', size: '1280x720', seconds: 4 } });
      const id = createVideo.video.id;
      const before = { ...cohorts.stats };
      const watchers = Array.from({ length: 10 }, (_, i) => subscribe(clients[i % 2], VideoUpdatedDocument, { id }));
      const feed = subscribe(clients[0], VideosUpdatedDocument, {});
      await eventually(() => watchers.every((w) => w.values.length === 1), { what: 'every watcher\'s opening state' });
      const opened = { ...cohorts.stats };
      // Watchers opening together share one read of the current state, and so its execution too.
      const openingExecutions = opened.executions - before.executions;
      expect(openingExecutions).toBeGreaterThanOrEqual(1);
      expect(openingExecutions + opened.shared - before.shared).toBe(10);
      expect(new Set(watchers.map((w) => JSON.stringify(w.values[0]))).size).toBe(1);

      await Promise.all(watchers.map((w) => w.done));
      await feed.until((v) => v.videosUpdated.id === id && v.videosUpdated.status === 'COMPLETED');
      feed.close();
      const changes = watchers[0].values.slice(1);
      expect(changes.length).toBeGreaterThan(1);
      expect(changes.at(-1)?.videoUpdated.status).toBe('COMPLETED');
      for (const watcher of watchers) expect(watcher.values.slice(1)).toEqual(changes);

      const feedChanges = feed.values.length;
      expect(feed.values.every((v) => v.videosUpdated.id === id)).toBe(true);
      expect(feedChanges).toBeGreaterThanOrEqual(changes.length);
      // One execution per change for the ten watchers, one per change for the feed (another document).
      expect(cohorts.stats.executions - opened.executions).toBe(changes.length + feedChanges);
      expect(cohorts.stats.shared - opened.shared).toBe(9 * changes.length);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });
});
