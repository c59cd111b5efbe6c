import { forkForTenant } from '../../src/db/tenant-scoped';
import { Video } from '../../src/modules/videos/video.entity';
import { VideoStatus } from '../../src/modules/videos/video.enums';
import { toGlobalId } from '../../src/graphql/relay';
import { CreateVideoDocument, ExtendVideoDocument, GetVideoLineageDocument } from '../generated/graphql';
import { probeBytes } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

describe('extensions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a chain of 6 extensions succeeds, the 7th is refused, and the final MP4 lasts the stitched total', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A door opens onto a meadow', size: '1280x720', seconds: 4 } });
    const root = await waitForVideo(server.gql, createVideo.video.id);
    let current = root.id;
    for (let index = 1; index <= 6; index++) {
      const { extendVideo } = await server.gql.data(ExtendVideoDocument, { input: { videoId: current, prompt: `Beat ${index}: the camera moves on`, seconds: 4 } });
      expect(extendVideo.extension).toMatchObject({
        index,
        seconds: 4,
        totalSeconds: 4 + 4 * index,
        remainingExtensions: 6 - index,
        remainingSeconds: 120 - (4 + 4 * index),
        source: { id: current },
        root: { id: root.id },
        video: { operation: 'EXTEND', seconds: 4 + 4 * index },
      });
      current = (await waitForVideo(server.gql, extendVideo.extension.video.id)).id;
    }
    const before = server.app.emulator!.record.count();
    const seventh = await server.gql.error(ExtendVideoDocument, { input: { videoId: current, prompt: 'One more', seconds: 4 } });
    expect(seventh.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.videoId', remainingExtensions: 0 });
    expect(seventh.message).toMatch(/already extension 6 of its chain/);
    expect(server.app.emulator!.record.count()).toBe(before);

    const { video: last } = await server.gql.data(GetVideoLineageDocument, { id: current });
    expect(last).toMatchObject({ operation: 'EXTEND', seconds: 28, chainRoot: { id: root.id }, extension: { index: 6, totalSeconds: 28 } });
    const mp4 = Buffer.from(await (await fetch(last!.downloadUrl!)).arrayBuffer());
    const info = await probeBytes(mp4);
    expect(Math.abs(info.duration - 28)).toBeLessThan(0.3);
    expect(info).toMatchObject({ width: 1280, height: 720 });

    const { video: rootLineage } = await server.gql.data(GetVideoLineageDocument, { id: root.id });
    expect(rootLineage?.extensions.map((e) => e.index)).toEqual([1]);
    expect(rootLineage?.derivatives.map((d) => d.operation)).toEqual(['EXTEND']);
    expect(rootLineage?.chainRoot.id).toBe(root.id);
  });

  it('enforces 120 s in total before any upstream call, saying how much remains', async () => {
    // A finished 116 s video (as a long chain would leave): only 4 s remain.
    const em = forkForTenant(server.app.db.orm, server.app.localTenant.id);
    const long = em.create(Video, {
      tenantId: server.app.localTenant.id, prompt: 'long', model: 'sora-2', resolvedModel: 'sora-2-2025-12-08', upstream: 'default',
      size: '1280x720', seconds: 116, status: VideoStatus.COMPLETED, upstreamId: 'video_long', videoKey: 'x',
    });
    await em.flush();
    const before = server.app.emulator!.record.count();
    const error = await server.gql.error(ExtendVideoDocument, { input: { videoId: toGlobalId('Video', long.id), prompt: 'More', seconds: 8 } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.seconds', remainingSeconds: 4, allowed: [4] });
    expect(error.message).toMatch(/would make 124 s; a chain is at most 120 s, so 4 s remain \(use seconds 4\)/);
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('refuses to extend a video that is not COMPLETED, or by a duration the model does not render', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'Still rendering', size: '1280x720' } });
    const early = await server.gql.error(ExtendVideoDocument, { input: { videoId: createVideo.video.id, prompt: 'Too soon', seconds: 4 } });
    expect(early.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.videoId' });
    await waitForVideo(server.gql, createVideo.video.id);
    const odd = await server.gql.error(ExtendVideoDocument, { input: { videoId: createVideo.video.id, prompt: 'Odd', seconds: 7 } });
    expect(odd.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.seconds', allowed: [4, 8, 12, 16, 20] });
  });
});
