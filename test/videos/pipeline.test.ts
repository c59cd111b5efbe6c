import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probe } from '../../src/media/ffmpeg';
import { imageInfo } from '../../src/media/image-info';
import { CreateVideoDocument, DeleteVideoDocument, EditVideoDocument, GetNodeDocument, GetVideoDocument, RemixVideoDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-media-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: Buffer; headers: Headers }> {
  const response = await fetch(url, { headers });
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

const waitCompleted = (server: TestServer, id: string) => waitForVideo(server.gql, id);

describe.each(databaseKinds())('video pipeline end to end (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a video, stores it, and serves a playable MP4 of the requested size and duration', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, {
      input: { prompt: 'A red fox trots across fresh snow at dawn', model: 'sora-2', size: '1280x720', seconds: 4 },
    });
    expect(createVideo.video).toMatchObject({ status: 'QUEUED', model: 'sora-2', resolvedModel: 'sora-2-2025-12-08', width: 1280, height: 720, aspectRatio: 'LANDSCAPE_16_9', operation: 'CREATE', estimatedCost: 0.4 });

    const video = await waitCompleted(server, createVideo.video.id);
    expect(video.progress).toBe(100);
    expect(video.completedAt).not.toBeNull();
    expect(video.downloadUrl).toMatch(new RegExp(`^${server.app.origin}/media/`));

    const mp4 = await download(video.downloadUrl as string);
    expect(mp4.status).toBe(200);
    expect(mp4.type).toBe('video/mp4');
    const file = path.join(scratch, `${db}.mp4`);
    writeFileSync(file, mp4.body);
    const info = await probe(file);
    const stream = info.streams.find((s) => s.codec_type === 'video');
    expect(stream).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(info.streams.some((s) => s.codec_type === 'audio' && s.codec_name === 'aac')).toBe(true);
    expect(Math.abs(info.format.duration - 4)).toBeLessThan(0.15);

    const thumb = await download(video.thumbnailUrl as string);
    expect(thumb.type).toBe('image/webp');
    expect(imageInfo(thumb.body)?.type).toBe('image/webp');
    const sprite = await download(video.spritesheetUrl as string);
    expect(sprite.type).toBe('image/jpeg');
    expect(imageInfo(sprite.body)?.type).toBe('image/jpeg');

    // A <video> element seeks with range requests.
    const partial = await download(video.downloadUrl as string, { range: 'bytes=100-1099' });
    expect(partial.status).toBe(206);
    expect(partial.body.length).toBe(1000);
    expect(partial.headers.get('content-range')).toBe(`bytes 100-1099/${mp4.body.length}`);
    expect(partial.body.equals(mp4.body.subarray(100, 1100))).toBe(true);

    const { node } = await server.gql.data(GetNodeDocument, { id: video.id });
    expect(node).toMatchObject({ id: video.id, status: 'COMPLETED' });
  });

  it('remix and edit make new videos linked to their source, each through its upstream route', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A lighthouse at dusk', size: '720x1280', seconds: 4 } });
    const source = await waitCompleted(server, createVideo.video.id);
    const before = server.app.emulator!.record.count();

    const { remixVideo } = await server.gql.data(RemixVideoDocument, { input: { videoId: source.id, prompt: 'Same lighthouse, in a storm' } });
    expect(remixVideo.video).toMatchObject({ operation: 'REMIX', source: { id: source.id }, size: '720x1280', seconds: 4, model: source.model });
    const { editVideo } = await server.gql.data(EditVideoDocument, { input: { videoId: source.id, prompt: 'Make the sky purple' } });
    expect(editVideo.video).toMatchObject({ operation: 'EDIT', source: { id: source.id } });

    const kinds = server.app.emulator!.record.entries().slice(before).map((e) => e.kind);
    expect(kinds).toEqual(['remix', 'edit']);
    const remix = await waitCompleted(server, remixVideo.video.id);
    const edit = await waitCompleted(server, editVideo.video.id);
    expect(remix.source?.id).toBe(source.id);
    expect(edit.source?.id).toBe(source.id);
  });

  it('deleteVideo removes the row and the stored files; old URLs stop working', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A paper boat on a puddle', size: '1280x720', seconds: 4 } });
    const video = await waitCompleted(server, createVideo.video.id);
    const stored = path.join(server.dataDir, 'media', server.app.localTenant.id);
    const { deleteVideo } = await server.gql.data(DeleteVideoDocument, { input: { videoId: video.id } });
    expect(deleteVideo.deletedVideoId).toBe(video.id);
    expect((await server.gql.data(GetVideoDocument, { id: video.id })).video).toBeNull();
    expect((await download(video.downloadUrl as string)).status).toBe(404);
    const videoFolder = path.join(stored, Buffer.from(video.id, 'base64url').toString().split(':')[1]);
    await expect(access(videoFolder)).rejects.toThrow();
    const again = await server.gql.error(DeleteVideoDocument, { input: { videoId: video.id } });
    expect(again.extensions.code).toBe('NOT_FOUND');
  });
});
