/**
 * src/media: header sniffing against real encoder output, and ffmpeg/ffprobe wrappers.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FfmpegError, escapeFilterValue, fontPath, probe, runFfmpeg } from '../../src/media/ffmpeg';
import { imageInfo } from '../../src/media/image-info';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-media-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function encode(name: string, w: number, h: number, extra: string[] = []): Promise<Buffer> {
  const out = path.join(dir, name);
  // format=rgb24 keeps odd sizes (yuv420p would round them to even).
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', `color=c=teal:s=${w}x${h},format=rgb24`, '-frames:v', '1', ...extra, out]);
  return readFile(out);
}

describe('imageInfo', () => {
  it.each([
    ['png', 'a.png', [] as string[], 'image/png'],
    ['jpeg (baseline SOF0)', 'a.jpg', [], 'image/jpeg'],
    ['webp lossy (VP8)', 'a.webp', ['-c:v', 'libwebp'], 'image/webp'],
    ['webp lossless (VP8L)', 'b.webp', ['-c:v', 'libwebp', '-lossless', '1'], 'image/webp'],
    ['webp with alpha (VP8X)', 'c.webp', ['-c:v', 'libwebp', '-pix_fmt', 'yuva420p'], 'image/webp'],
  ])('reads type and size of %s', async (_label, name, extra, type) => {
    const buf = await encode(name, 1280, 720, extra);
    expect(imageInfo(buf)).toEqual({ type, width: 1280, height: 720 });
  });

  it('reads odd sizes and does not look at names', async () => {
    const buf = await encode('odd.png', 33, 17);
    expect(imageInfo(buf)).toEqual({ type: 'image/png', width: 33, height: 17 });
  });

  it('returns null for non-images and truncated headers', async () => {
    expect(imageInfo(Buffer.from('not an image at all, just text'))).toBeNull();
    expect(imageInfo(Buffer.alloc(0))).toBeNull();
    const png = await encode('t.png', 64, 64);
    expect(imageInfo(png.subarray(0, 12))).toBeNull();
    const jpg = await encode('t.jpg', 64, 64);
    expect(imageInfo(jpg.subarray(0, 20))).toBeNull();
  });
});

describe('ffmpeg wrappers', () => {
  it('probe reports codecs, size and duration', async () => {
    const out = path.join(dir, 'p.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'color=s=320x240:r=24:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out]);
    const info = await probe(out);
    expect(info.format.format_name).toContain('mp4');
    expect(info.format.duration).toBeCloseTo(2, 1);
    expect(info.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'h264', width: 320, height: 240 });
    const still = path.join(dir, 'still.png');
    await encode('still.png', 64, 48);
    expect((await probe(still)).format.duration).toBe(0);
  });

  it('rejects with FfmpegError carrying stderr', async () => {
    await expect(probe(path.join(dir, 'missing.mp4'))).rejects.toBeInstanceOf(FfmpegError);
    const err = await runFfmpeg(['-i', path.join(dir, 'missing.mp4'), path.join(dir, 'x.mp4')]).catch((e: FfmpegError) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).stderr).toMatch(/No such file/);
  });

  it('kills the process on abort', async () => {
    const ac = new AbortController();
    const p = runFfmpeg(['-y', '-f', 'lavfi', '-re', '-i', 'color=s=64x64:r=24:d=60', '-f', 'null', '-'], { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 100);
    await expect(p).rejects.toThrow('stop');
  });

  it('escapes filter values so odd font paths work in drawtext', async () => {
    const odd = path.join(dir, "we'ird:dir, [x]");
    mkdirSync(odd);
    copyFileSync(fontPath, path.join(odd, 'font.ttf'));
    await writeFile(path.join(dir, 't.txt'), "It's 12:00 - 100% %{pts}");
    const font = escapeFilterValue(path.join(odd, 'font.ttf'));
    await runFfmpeg(
      ['-y', '-f', 'lavfi', '-i', 'color=s=160x90:d=0.1', '-vf', `drawtext=fontfile=${font}:textfile=t.txt:expansion=none`, '-frames:v', '1', 'o.png'],
      { cwd: dir },
    );
    expect(imageInfo(await readFile(path.join(dir, 'o.png')))).toMatchObject({ width: 160, height: 90 });
  });
});
