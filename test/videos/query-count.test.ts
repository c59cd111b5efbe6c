import { forkForTenant } from '../../src/db/tenant-scoped';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoOperation, VideoStatus } from '../../src/modules/videos/video.enums';
import { ListVideosWithSourcesDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';

describe.each(databaseKinds())('loaders keep SQL constant in page size (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { JOBS_ENABLED: 'false' } });
    // 60 finished videos, each derived from the one before: every row has a source with a source.
    const em = forkForTenant(server.app.db.orm, server.app.localTenant.id);
    let previous: Video | undefined;
    for (let i = 0; i < 60; i++) {
      const video: Video = em.create(Video, {
        tenantId: server.app.localTenant.id,
        prompt: `scene ${i}`,
        model: 'sora-2',
        upstream: 'embedded',
        size: '1280x720',
        seconds: 4,
        status: VideoStatus.COMPLETED,
        operation: previous ? VideoOperation.REMIX : VideoOperation.CREATE,
        source: previous ?? null,
        videoKey: `${server.app.localTenant.id}/x/video.mp4`,
      });
      previous = video;
    }
    await em.flush();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function countQueries(first: number): Promise<number> {
    let count = 0;
    const stop = server.app.db.queryLog.listen(() => count++);
    try {
      const { videos } = await server.gql.data(ListVideosWithSourcesDocument, { first });
      expect(videos.nodes).toHaveLength(first);
      expect(videos.nodes.every((v) => v.source?.source?.id)).toBe(true);
    } finally {
      stop();
    }
    return count;
  }

  it('videos(first: 1) and videos(first: 50) with nested sources issue the same number of queries', async () => {
    const one = await countQueries(1);
    const fifty = await countQueries(50);
    expect(fifty).toBe(one);
    expect(one).toBeLessThanOrEqual(3);
  });
});
