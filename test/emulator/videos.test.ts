/**
 * Video routes through the real openai SDK over HTTP: create (multipart and JSON), retrieve,
 * list with auto-pagination, content variants checked with ffprobe, ranges, delete, remix, edit,
 * characters and reference images.
 */
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { probe } from '../../src/media/ffmpeg';
import { imageInfo } from '../../src/media/image-info';
import { type Harness, makeClip, makeImage, raw, startHarness, waitForVideo, failure } from './helpers';

let h: Harness;
let client: OpenAI;
/** One completed 4 s 720x1280 clip shared by the read-only tests. */
let done: OpenAI.Videos.Video;

beforeAll(async () => {
  h = await startHarness();
  client = h.client;
  const v = await client.videos.create({ prompt: 'A teal coupe at dusk, it\'s 12:00 - 100% "quoted"' });
  done = await waitForVideo(client, v.id);
});
afterAll(() => h.close());

async function download(id: string, variant: 'video' | 'thumbnail' | 'spritesheet'): Promise<{ type: string | null; file: string; buf: Buffer }> {
  const res = await client.videos.downloadContent(id, { variant });
  const buf = Buffer.from(await res.arrayBuffer());
  const file = path.join(h.dataDir, `dl-${id}-${variant}`);
  await writeFile(file, buf);
  return { type: res.headers.get('content-type'), file, buf };
}

describe('create and retrieve', () => {
  it('creates via multipart (SDK) with defaults and a queued video object of exactly 13 keys', async () => {
    const v = await client.videos.create({ prompt: 'defaults' });
    expect(Object.keys(v).sort()).toEqual(
      ['completed_at', 'created_at', 'error', 'expires_at', 'id', 'model', 'object', 'progress', 'prompt', 'remixed_from_video_id', 'seconds', 'size', 'status'].sort(),
    );
    expect(v).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'sora-2', seconds: '4', size: '720x1280', completed_at: null, expires_at: null, error: null });
    expect(v.id).toMatch(/^video_[0-9a-f]{48}$/);
    const res = await raw(`${h.em.baseURL}/videos/${v.id}`);
    expect(res.headers.get('openai-poll-after-ms')).toBe('50');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('creates via JSON (client.post) with a numeric seconds and a pro size', async () => {
    const v = await client.post<OpenAI.Videos.Video>('/videos', { body: { prompt: 'json body', model: 'sora-2-pro', seconds: 8, size: '1792x1024' } });
    expect(v).toMatchObject({ model: 'sora-2-pro', seconds: '8', size: '1792x1024', status: 'queued' });
  });

  it('completes with progress rising to 100, completed_at and expires_at = completed_at + ttl', async () => {
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(100);
    expect(done.expires_at).toBe(done.completed_at! + 3600);
    const res = await raw(`${h.em.baseURL}/videos/${done.id}`);
    expect(res.headers.get('openai-poll-after-ms')).toBeNull();
  });

  it('reports integer progress that only rises while in progress', async () => {
    const v = await client.videos.create({ prompt: 'progress watch' });
    const seen: number[] = [];
    let cur = v;
    while (cur.status !== 'completed') {
      cur = await client.videos.retrieve(v.id);
      seen.push(cur.progress);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen.every((p) => Number.isInteger(p))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen[seen.length - 1]).toBe(100);
  });

  it('serves the same routes without the /v1 prefix', async () => {
    const res = await raw(`${h.em.origin}/videos/${done.id}`);
    expect(res.status).toBe(200);
    expect((res.json() as { id: string }).id).toBe(done.id);
  });

  it('decodes URL-encoded path ids (opaque ids may contain / and +)', async () => {
    const err = await failure(client.videos.retrieve('video_a/b+c='));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toEqual({
      message: "Video with id 'video_a/b+c=' not found.",
      type: 'invalid_request_error',
      param: null,
      code: 'video_not_found',
    });
  });
});

describe('list', () => {
  it('auto-paginates across pages with for await, newest first', async () => {
    for (let i = 0; i < 5; i++) await client.videos.create({ prompt: `list item ${i}` });
    const ids: string[] = [];
    for await (const v of client.videos.list({ limit: 2 })) ids.push(v.id);
    const all = (await client.videos.list({ limit: 100 })).data.map((v) => v.id);
    expect(ids).toEqual(all);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    expect(new Set(ids).size).toBe(ids.length);
    const page = await client.videos.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const body = (await raw(`${h.em.baseURL}/videos?limit=2&order=asc`)).json() as Record<string, unknown>;
    expect(body).toMatchObject({ object: 'list', has_more: true });
    const data = body.data as Array<{ id: string }>;
    expect(body.first_id).toBe(data[0].id);
    expect(body.last_id).toBe(data[1].id);
    expect(data[0].id).toBe(all[all.length - 1]);
  });

  it('rejects a limit above 100', async () => {
    const err = await failure(client.videos.list({ limit: 101 }));
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ param: 'limit', code: 'integer_above_max_value' });
  });
});

describe('content', () => {
  it('serves an H.264/AAC MP4 at the exact size and duration', async () => {
    const { type, file } = await download(done.id, 'video');
    expect(type).toBe('video/mp4');
    const info = await probe(file);
    const video = info.streams.find((s) => s.codec_type === 'video')!;
    const audio = info.streams.find((s) => s.codec_type === 'audio')!;
    expect(video).toMatchObject({ codec_name: 'h264', width: 720, height: 1280 });
    expect(audio.codec_name).toBe('aac');
    expect(Math.abs(info.format.duration - 4)).toBeLessThanOrEqual(0.1);
  });

  it('serves a WebP thumbnail at the video size and a 4x2 JPEG spritesheet', async () => {
    const thumb = await download(done.id, 'thumbnail');
    expect(thumb.type).toBe('image/webp');
    expect(imageInfo(thumb.buf)).toEqual({ type: 'image/webp', width: 720, height: 1280 });
    expect((await probe(thumb.file)).streams[0]).toMatchObject({ codec_name: 'webp', width: 720, height: 1280 });
    const sprite = await download(done.id, 'spritesheet');
    expect(sprite.type).toBe('image/jpeg');
    // 8 frames of 256x456 (720x1280 scaled to 256 wide), tiled 4x2.
    expect(imageInfo(sprite.buf)).toEqual({ type: 'image/jpeg', width: 1024, height: 912 });
  });

  it('answers Range requests with 206 and Content-Range', async () => {
    const full = await raw(`${h.em.baseURL}/videos/${done.id}/content`);
    const size = Number(full.headers.get('content-length'));
    const res = await fetch(`${h.em.baseURL}/videos/${done.id}/content?variant=video`, { headers: { authorization: 'Bearer k', range: 'bytes=0-99' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
    expect((await res.arrayBuffer()).byteLength).toBe(100);
    const bad = await raw(`${h.em.baseURL}/videos/${done.id}/content`, { headers: { range: `bytes=${size + 10}-` } });
    expect(bad.status).toBe(416);
    expect(bad.json()).toMatchObject({ error: { code: 'range_not_satisfiable' } });
  });

  it('refuses content before completion with video_not_ready', async () => {
    const v = await client.videos.create({ prompt: 'not yet' });
    const err = await failure(client.videos.downloadContent(v.id));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toEqual({
      message: `Video '${v.id}' is not ready yet (status 'queued'). Content is available once the status is 'completed'.`,
      type: 'invalid_request_error',
      param: null,
      code: 'video_not_ready',
    });
  });

  it('rejects an unknown variant', async () => {
    const err = await failure(client.videos.downloadContent(done.id, { variant: 'poster' as 'video' }));
    expect(err.error).toMatchObject({
      message: "Invalid value: 'poster'. Supported values are: 'video', 'thumbnail', and 'spritesheet'.",
      param: 'variant',
    });
  });
});

describe('delete', () => {
  it('deletes a completed video and its files; refuses unfinished ones', async () => {
    const v = await client.videos.create({ prompt: 'to delete' });
    const early = await failure(client.videos.delete(v.id));
    expect(early.status).toBe(400);
    expect(early.error).toMatchObject({ code: 'video_not_ready' });
    await waitForVideo(client, v.id);
    const dir = path.join(h.dataDir, 'videos', v.id);
    expect(readdirSync(dir).sort()).toEqual(['spritesheet.jpg', 'thumbnail.webp', 'video.mp4']);
    expect(await client.videos.delete(v.id)).toEqual({ id: v.id, object: 'video.deleted', deleted: true });
    expect(existsSync(dir)).toBe(false);
    await expect(client.videos.retrieve(v.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('remix and edit', () => {
  it('remixes a completed video: new clip, same size/seconds/model, remixed_from_video_id set', async () => {
    const r = await client.videos.remix(done.id, { prompt: 'same shot, but at night' });
    expect(r).toMatchObject({ status: 'queued', remixed_from_video_id: done.id, size: done.size, seconds: done.seconds, model: done.model, prompt: 'same shot, but at night' });
    const fin = await waitForVideo(client, r.id);
    expect(fin.status).toBe('completed');
    const info = await probe((await download(r.id, 'video')).file);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 720, height: 1280 });
    expect(h.em.record.entries().find((e) => e.id === r.id)).toMatchObject({ kind: 'remix', sourceId: done.id });
  });

  it('edits via multipart video[id] (SDK) and via JSON; no lineage field is set', async () => {
    const e1 = await client.videos.edit({ prompt: 'make the car red', video: { id: done.id } });
    expect(e1).toMatchObject({ status: 'queued', remixed_from_video_id: null, size: done.size, seconds: done.seconds });
    const e2 = await client.post<OpenAI.Videos.Video>('/videos/edits', { body: { prompt: 'add rain', video: { id: done.id } } });
    expect(e2.status).toBe('queued');
    expect((await waitForVideo(client, e1.id)).status).toBe('completed');
    expect(h.em.record.entries().filter((e) => e.kind === 'edit').map((e) => e.sourceId)).toEqual([done.id, done.id]);
  });

  it('accepts a multipart remix body', async () => {
    const form = new FormData();
    form.set('prompt', 'multipart remix');
    const res = await raw(`${h.em.baseURL}/videos/${encodeURIComponent(done.id)}/remix`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ remixed_from_video_id: done.id, prompt: 'multipart remix', status: 'queued' });
  });

  it('refuses to remix an unfinished video and an unknown one', async () => {
    const v = await client.videos.create({ prompt: 'still rendering' });
    const err = await failure(client.videos.remix(v.id, { prompt: 'x' }));
    expect(err.error).toMatchObject({ code: 'video_not_ready' });
    await expect(client.videos.remix('video_nope', { prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.videos.edit({ prompt: 'x', video: { id: 'video_nope' } })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('characters', () => {
  let charId: string;

  it('creates a character from an MP4 (ffprobe decides) and gets it', async () => {
    const clip = await makeClip(h.dataDir, 'mossy.mp4');
    const c = await client.videos.createCharacter({ name: 'Mossy', video: await toFile(clip, 'whatever.bin', { type: 'application/octet-stream' }) });
    expect(Object.keys(c).sort()).toEqual(['created_at', 'id', 'name']);
    expect(c.name).toBe('Mossy');
    charId = c.id!;
    expect(await client.videos.getCharacter(charId)).toEqual(c);
    expect(h.em.record.count('character')).toBe(1);
  });

  it('refuses a non-video named .mp4 and leaves nothing behind', async () => {
    const png = await makeImage(h.dataDir, 'fake.png', 64, 64);
    const before = h.em.record.count();
    const err = await failure(client.videos
      .createCharacter({ name: 'Fake', video: await toFile(png, 'clip.mp4', { type: 'video/mp4' }) })
      );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.error).toMatchObject({ param: 'video', code: 'invalid_video_file' });
    expect(h.em.record.count()).toBe(before);
    expect(readdirSync(path.join(h.dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(h.dataDir, 'characters'))).toEqual([charId]);
  });

  it('validates the name length and requires multipart', async () => {
    const clip = await makeClip(h.dataDir, 'n.mp4', 1);
    const err = await failure(client.videos.createCharacter({ name: 'x'.repeat(81), video: await toFile(clip, 'n.mp4') }));
    expect(err.error).toMatchObject({ param: 'name', code: 'string_above_max_length' });
    const json = await failure(client.post('/videos/characters', { body: { name: 'x' } }));
    expect(json.error).toMatchObject({ code: 'unsupported_content_type' });
    await expect(client.videos.getCharacter('char_nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('creates a video with characters via multipart characters[][id] and draws their names', async () => {
    const v = await client.videos.create({ prompt: 'Mossy waves', characters: [{ id: charId }] } as OpenAI.Videos.VideoCreateParams);
    expect(v.status).toBe('queued');
    expect((await waitForVideo(client, v.id)).status).toBe('completed');
    const two = await client.post<OpenAI.Videos.Video>('/videos', { body: { prompt: 'two', characters: [{ id: charId }, { id: charId }] } });
    expect(two.status).toBe('queued');
  });

  it('rejects unknown and too many characters', async () => {
    const unknown = await failure(client.post('/videos', { body: { prompt: 'x', characters: [{ id: 'char_missing' }] } }));
    expect(unknown.status).toBe(404);
    expect(unknown.error).toMatchObject({ param: 'characters[0].id', code: 'character_not_found' });
    const three = await failure(client
      .post('/videos', { body: { prompt: 'x', characters: [{ id: charId }, { id: charId }, { id: charId }] } })
      );
    expect(three.error).toEqual({
      message: "Invalid 'characters': array too long. Expected an array with maximum length 2, but got an array with length 3 instead.",
      type: 'invalid_request_error',
      param: 'characters',
      code: 'array_above_max_length',
    });
  });
});

describe('input_reference', () => {
  const MISMATCH = { message: 'Inpaint image must match the requested width and height', type: 'invalid_request_error', param: null, code: null };

  it('accepts a multipart image file of the requested size', async () => {
    const png = await makeImage(h.dataDir, 'frame.png', 1280, 720);
    const v = await client.videos.create({ prompt: 'from a frame', size: '1280x720', input_reference: await toFile(png, 'frame.png', { type: 'image/png' }) });
    const fin = await waitForVideo(client, v.id);
    expect(fin.status).toBe('completed');
    expect(readdirSync(path.join(h.dataDir, 'tmp'))).toEqual([]);
    const info = await probe((await download(v.id, 'video')).file);
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(Math.abs(info.format.duration - 4)).toBeLessThanOrEqual(0.1);
  });

  it('renders over a flat background when ffmpeg cannot decode an image that only looks valid', async () => {
    const png = await makeImage(h.dataDir, 'trunc.png', 720, 1280);
    const truncated = png.subarray(0, 40);
    const v = await client.videos.create({ prompt: 'broken frame', input_reference: await toFile(truncated, 'frame.png', { type: 'image/png' }) });
    const fin = await waitForVideo(client, v.id);
    expect(fin.status).toBe('completed');
    const info = await probe((await download(v.id, 'video')).file);
    expect(Math.abs(info.format.duration - 4)).toBeLessThanOrEqual(0.1);
  });

  it('rejects a multipart image of another size with the contract message', async () => {
    const jpg = await makeImage(h.dataDir, 'frame.jpg', 1280, 720);
    const err = await failure(client.videos.create({ prompt: 'x', input_reference: await toFile(jpg, 'frame.jpg', { type: 'image/jpeg' }) }));
    expect(err.error).toEqual(MISMATCH);
  });

  it('accepts a data URL and an uploaded file_id; checks both against the size', async () => {
    const webp = await makeImage(h.dataDir, 'frame.webp', 720, 1280);
    const dataUrl = `data:image/webp;base64,${webp.toString('base64')}`;
    const a = await client.post<OpenAI.Videos.Video>('/videos', { body: { prompt: 'data url', input_reference: { image_url: dataUrl } } });
    expect(a.status).toBe('queued');
    const file = await client.files.create({ file: await toFile(webp, 'frame.webp', { type: 'image/webp' }), purpose: 'vision' });
    const b = await client.videos.create({ prompt: 'file id', input_reference: { file_id: file.id } });
    expect(b.status).toBe('queued');
    const c = await failure(client.post('/videos', { body: { prompt: 'x', size: '1280x720', input_reference: { file_id: file.id } } }));
    expect(c.error).toEqual(MISMATCH);
  });

  it('fetches an http(s) image_url and accepts input_reference[image_url] in multipart (SDK)', async () => {
    const png = await makeImage(h.dataDir, 'served.png', 720, 1280);
    const server = http.createServer((req, res) => {
      if (req.url === '/frame.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const v = await client.videos.create({ prompt: 'fetched frame', input_reference: { image_url: `${base}/frame.png` } });
      expect(v.status).toBe('queued');
      const err = await failure(client.videos.create({ prompt: 'x', input_reference: { image_url: `${base}/missing.png` } }));
      expect(err.error).toMatchObject({ param: 'input_reference.image_url', code: 'invalid_image_url' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('rejects a string input_reference in multipart and a non-image file', async () => {
    const form = new FormData();
    form.set('prompt', 'x');
    form.set('input_reference', 'not a file');
    const res = await raw(`${h.em.baseURL}/videos`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: "Invalid type for 'input_reference': expected a file, but got a string instead.",
        type: 'invalid_request_error',
        param: 'input_reference',
        code: 'invalid_type',
      },
    });
    const err = await failure(client.videos
      .create({ prompt: 'x', input_reference: await toFile(Buffer.from('plain text'), 'frame.png', { type: 'image/png' }) })
      );
    expect(err.error).toMatchObject({ param: 'input_reference', code: 'invalid_image_format' });
  });
});

describe('files', () => {
  it('uploads, retrieves and returns content', async () => {
    const f = await client.files.create({ file: await toFile(Buffer.from('hello\n'), 'hello.jsonl'), purpose: 'batch' });
    expect(f).toMatchObject({ object: 'file', bytes: 6, filename: 'hello.jsonl', purpose: 'batch', status: 'processed' });
    expect(f.id).toMatch(/^file-/);
    expect(await client.files.retrieve(f.id)).toEqual(f);
    expect(await (await client.files.content(f.id)).text()).toBe('hello\n');
    const bad = await failure(client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'nope' as 'batch' }));
    expect(bad.error).toEqual({
      message: "Invalid value: 'nope'. Supported values are: 'assistants', 'batch', 'fine-tune', 'vision', 'user_data', and 'evals'.",
      type: 'invalid_request_error',
      param: 'purpose',
      code: 'invalid_value',
    });
    const missing = await failure(client.files.retrieve('file-nope'));
    expect(missing.error).toMatchObject({ message: 'No such File object: file-nope', code: 'file_not_found' });
  });
});

describe('expiry', () => {
  it('refuses content after expires_at with 404 video_expired and removes the files', async () => {
    const x = await startHarness({ assetTtlSeconds: 0 });
    try {
      const v = await waitForVideo(x.client, (await x.client.videos.create({ prompt: 'short-lived' })).id);
      expect(v.expires_at).toBe(v.completed_at);
      const err = await failure(x.client.videos.downloadContent(v.id, { variant: 'thumbnail' }));
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err.error).toEqual({
        message: `The content of video '${v.id}' expired at ${new Date(v.expires_at! * 1000).toISOString()} and is no longer available.`,
        type: 'invalid_request_error',
        param: null,
        code: 'video_expired',
      });
      expect(existsSync(path.join(x.dataDir, 'videos', v.id))).toBe(false);
      const ext = await failure(x.client.videos.extend({ video: { id: v.id }, prompt: 'more', seconds: '4' }));
      expect(ext.error).toMatchObject({ code: 'video_expired', param: 'video.id' });
      // Metadata stays retrievable; deleting still works.
      expect((await x.client.videos.retrieve(v.id)).status).toBe('completed');
      await expect(x.client.videos.delete(v.id)).resolves.toMatchObject({ deleted: true });
    } finally {
      await x.close();
    }
  });
});
