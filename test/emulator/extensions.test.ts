/**
 * Extensions: the result is the stitched whole (ffprobe duration = total), model and size are
 * inherited, and the 6-extension / 120 s lineage limits hold.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { probe } from '../../src/media/ffmpeg';
import { imageInfo } from '../../src/media/image-info';
import { type Harness, startHarness, waitForVideo, failure } from './helpers';

async function duration(h: Harness, id: string): Promise<{ seconds: number; width?: number; height?: number }> {
  const res = await h.client.videos.downloadContent(id);
  const file = path.join(h.dataDir, `${id}.mp4`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  const info = await probe(file);
  const v = info.streams.find((s) => s.codec_type === 'video');
  return { seconds: info.format.duration, width: v?.width, height: v?.height };
}

async function extend(client: OpenAI, id: string, seconds: string, prompt = 'and then'): Promise<OpenAI.Videos.Video> {
  const v = await client.videos.extend({ video: { id }, prompt, seconds: seconds as OpenAI.Videos.VideoSeconds });
  const fin = await waitForVideo(client, v.id);
  expect(fin.status).toBe('completed');
  return fin;
}

describe('extensions (fresh renders)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('stitches source + new segment; seconds and MP4 duration are the total', async () => {
    const src = await waitForVideo(h.client, (await h.client.videos.create({ prompt: 'opening shot', size: '1280x720' })).id);
    const ext = await h.client.videos.extend({ video: { id: src.id }, prompt: 'the car drives off', seconds: '8' });
    expect(ext).toMatchObject({ status: 'queued', seconds: '12', size: '1280x720', model: 'sora-2', remixed_from_video_id: null });
    await waitForVideo(h.client, ext.id);
    const d = await duration(h, ext.id);
    expect(Math.abs(d.seconds - 12)).toBeLessThanOrEqual(0.1);
    expect(d).toMatchObject({ width: 1280, height: 720 });
    const sprite = Buffer.from(await (await h.client.videos.downloadContent(ext.id, { variant: 'spritesheet' })).arrayBuffer());
    expect(imageInfo(sprite)).toMatchObject({ type: 'image/jpeg', width: 1024, height: 288 });
    expect(h.em.record.entries().find((e) => e.id === ext.id)).toMatchObject({ kind: 'extend', sourceId: src.id });
  });

  it('requires seconds and a completed source', async () => {
    const v = await h.client.videos.create({ prompt: 'not done' });
    const e1 = await failure(h.client.post('/videos/extensions', { body: { video: { id: v.id }, prompt: 'x' } }));
    expect(e1.error).toMatchObject({ message: "Missing required parameter: 'seconds'.", param: 'seconds' });
    const e2 = await failure(h.client.videos.extend({ video: { id: v.id }, prompt: 'x', seconds: '4' }));
    expect(e2.error).toMatchObject({ code: 'video_not_ready' });
    const e3 = await failure(h.client.post('/videos/extensions', { body: { video: { id: v.id }, prompt: 'x', seconds: '4', characters: [] } }));
    expect(e3.error).toMatchObject({ message: "Unknown parameter: 'characters'.", code: 'unknown_parameter' });
  });
});

describe('extension limits (cached renders)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ cachedRender: true, timing: { queuedMs: 5, minRenderMs: 20 } });
  });
  afterAll(() => h.close());

  it('allows at most 120 s in total and the stitched 120 s clip lasts 120 s', async () => {
    let cur = await waitForVideo(h.client, (await h.client.videos.create({ prompt: 'long take' })).id);
    for (let i = 0; i < 5; i++) cur = await extend(h.client, cur.id, '20');
    expect(cur.seconds).toBe('104');
    const before = h.em.record.count();
    const err = await failure(h.client.videos.extend({ video: { id: cur.id }, prompt: 'too long', seconds: '20' as '4' }));
    expect(err.error).toEqual({
      message: `Extending video '${cur.id}' (104 s) by 20 s would make it 124 s long; the maximum total duration is 120 seconds.`,
      type: 'invalid_request_error',
      param: 'seconds',
      code: 'duration_limit_exceeded',
    });
    expect(h.em.record.count()).toBe(before);
    const last = await extend(h.client, cur.id, '16');
    expect(last.seconds).toBe('120');
    const d = await duration(h, last.id);
    expect(Math.abs(d.seconds - 120)).toBeLessThanOrEqual(0.1);
  });

  it('allows at most 6 extensions per lineage', async () => {
    let cur = await waitForVideo(h.client, (await h.client.videos.create({ prompt: 'short beats' })).id);
    for (let i = 0; i < 6; i++) cur = await extend(h.client, cur.id, '4');
    expect(cur.seconds).toBe('28');
    const err = await failure(h.client.videos.extend({ video: { id: cur.id }, prompt: 'seventh', seconds: '4' }));
    expect(err.status).toBe(400);
    expect(err.error).toEqual({
      message: `Video '${cur.id}' has already been extended 6 times; a video can be extended at most 6 times.`,
      type: 'invalid_request_error',
      param: 'video.id',
      code: 'extension_limit_exceeded',
    });
    const d = await duration(h, cur.id);
    expect(Math.abs(d.seconds - 28)).toBeLessThanOrEqual(0.1);
  });
});
