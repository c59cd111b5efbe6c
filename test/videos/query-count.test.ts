import { forkForTenant } from '../../src/db/tenant-scoped';
import { Character } from '../../src/modules/characters/character.entity';
import { VideoCharacter } from '../../src/modules/characters/video-character.entity';
import { Extension } from '../../src/modules/extensions/extension.entity';
import { Storyboard } from '../../src/modules/storyboards/storyboard.entity';
import { Upload, UploadKind } from '../../src/modules/uploads/upload.entity';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoOperation, VideoStatus } from '../../src/modules/videos/video.enums';
import { ListVideosLineageDocument, ListVideosWithSourcesDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { countQueries, startTestServer, type TestServer } from '../support/server';

/**
 * 60 finished videos forming one extension chain (each extends the one before), each with two
 * characters and a storyboard, so every lineage field of every row has something to load.
 */
async function seed(server: TestServer): Promise<void> {
  const tenantId = server.app.localTenant.id;
  const em = forkForTenant(server.app.db.orm, tenantId);
  const clip = em.create(Upload, { tenantId, kind: UploadKind.VIDEO, contentType: 'video/mp4', filename: 'c.mp4', bytes: 1, width: 1, height: 1, storageKey: 'k', expiresAt: new Date() });
  const characters = ['Mossy', 'Pip'].map((name) => em.create(Character, { tenantId, name, upstream: 'default', upstreamId: `char_${name}`, sourceClip: clip }));
  const storyboard = em.create(Storyboard, { tenantId, model: 'sora-2', size: '1280x720', sceneCount: 1, totalSeconds: 4 });
  let previous: Video | undefined;
  let root: Video | undefined;
  for (let i = 0; i < 60; i++) {
    const video: Video = em.create(Video, {
      tenantId, prompt: `scene ${i}`, model: 'sora-2', upstream: 'default', size: '1280x720', seconds: 4 + i,
      status: VideoStatus.COMPLETED, operation: previous ? VideoOperation.EXTEND : VideoOperation.CREATE,
      source: previous ?? null, storyboardId: storyboard.id, videoKey: `${tenantId}/x/video.mp4`,
    });
    root ??= video;
    if (previous) em.create(Extension, { tenantId, index: i, prompt: `beat ${i}`, seconds: 1, totalSeconds: 4 + i, source: previous, video, root });
    characters.forEach((character, position) => em.create(VideoCharacter, { tenantId, video, character, position }));
    previous = video;
  }
  await em.flush();
}

describe.each(databaseKinds())('loaders keep SQL constant in page size (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { JOBS_ENABLED: 'false' } });
    await seed(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('videos(first: 1) and videos(first: 50) with nested sources issue the same number of queries', async () => {
    const page = (first: number) => async () => {
      const { videos } = await server.gql.data(ListVideosWithSourcesDocument, { first });
      expect(videos.nodes).toHaveLength(first);
      expect(videos.nodes.every((v) => v.source?.source?.id)).toBe(true);
    };
    const one = await countQueries(server, page(1));
    expect(await countQueries(server, page(50))).toBe(one);
    expect(one).toBeLessThanOrEqual(3);
  });

  it('lineage (source, derivatives, extensions, chain root, characters, storyboard) over 50 costs what it costs over 1', async () => {
    const page = (first: number) => async () => {
      const { videos } = await server.gql.data(ListVideosLineageDocument, { first });
      expect(videos.nodes).toHaveLength(first);
      for (const video of videos.nodes) {
        expect(video.source).not.toBeNull();
        expect(video.extension).not.toBeNull();
        expect(video.characters.map((c) => c.name)).toEqual(['Mossy', 'Pip']);
        expect(video.storyboard).not.toBeNull();
      }
      expect(videos.nodes.slice(1).every((v) => v.derivatives.length === 1 && v.extensions.length === 1)).toBe(true);
    };
    const one = await countQueries(server, page(1));
    const fifty = await countQueries(server, page(50));
    expect(fifty).toBe(one);
    expect(one).toBeLessThanOrEqual(9);
  });
});
