import { readdirSync } from 'node:fs';
import path from 'node:path';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { Upload } from '../../src/modules/uploads/upload.entity';
import { CreateVideoWithAssetsDocument } from '../generated/graphql';
import { makeClip, makeImage, uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';

describe('uploads', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { UPLOAD_MAX_BYTES: String(512 * 1024), UPLOAD_TTL_SECONDS: '2' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const rows = () => forkForWorkers(server.app.db.orm).count(Upload);
  const storedFiles = () => {
    const dir = path.join(server.dataDir, 'media', server.app.localTenant.id, 'uploads');
    try {
      return readdirSync(dir).length;
    } catch {
      return 0;
    }
  };
  const tempFiles = () => {
    try {
      return readdirSync(path.join(server.dataDir, 'media', '.tmp')).length;
    } catch {
      return 0;
    }
  };

  it('accepts images and MP4 videos, typed by their content with their dimensions', async () => {
    const png = await uploadFile(server.app.origin, await makeImage(1280, 720, 'png'), 'frame.png');
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ kind: 'IMAGE', contentType: 'image/png', width: 1280, height: 720 });
    // The name does not decide the type: a JPEG called .png is a JPEG.
    const jpg = await uploadFile(server.app.origin, await makeImage(720, 1280, 'jpg'), 'misnamed.png');
    expect(jpg.body).toMatchObject({ kind: 'IMAGE', contentType: 'image/jpeg', width: 720, height: 1280 });
    const mp4 = await uploadFile(server.app.origin, await makeClip(640, 360, 2), 'clip.mp4');
    expect(mp4.status).toBe(201);
    expect(mp4.body).toMatchObject({ kind: 'VIDEO', contentType: 'video/mp4', width: 640, height: 360 });
    expect(mp4.body.durationSeconds).toBeCloseTo(2, 0);
  });

  it('refuses a text file posing as an MP4 or a PNG, and keeps nothing', async () => {
    const before = { rows: await rows(), files: storedFiles() };
    const text = Buffer.from('this is not a video, just text pretending\n'.repeat(50));
    for (const name of ['movie.mp4', 'picture.png']) {
      const response = await uploadFile(server.app.origin, text, name);
      expect(response.status).toBe(415);
      expect(response.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // Starts like an MP4 container but is not one: ffprobe decides.
    const fake = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.alloc(4000, 7)]);
    expect((await uploadFile(server.app.origin, fake, 'fake.mp4')).status).toBe(415);
    expect({ rows: await rows(), files: storedFiles(), temp: tempFiles() }).toEqual({ ...before, temp: 0 });
  });

  it('refuses an oversized upload with 413 and keeps nothing, whether or not its length was declared', async () => {
    const before = { rows: await rows(), files: storedFiles() };
    // 5 MiB against a 512 KiB limit. With a Content-Length the server refuses before reading.
    const declared = await uploadFile(server.app.origin, Buffer.alloc(5 * 1024 * 1024, 1), 'huge.png');
    expect(declared.status).toBe(413);
    expect(declared.body.error?.code).toBe('PAYLOAD_TOO_LARGE');

    // Chunked, without a length: the server must count, and stops writing at the limit.
    const boundary = 'reelgraphboundary';
    const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="huge.png"\r\ncontent-type: image/png\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 2);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent < 20) controller.enqueue(chunk);
        else {
          controller.enqueue(tail);
          controller.close();
        }
        sent++;
      },
    });
    const chunked = await fetch(`${server.app.origin}/uploads`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect({ rows: await rows(), files: storedFiles(), temp: tempFiles() }).toEqual({ ...before, temp: 0 });
  });

  it('refuses malformed requests with a JSON error', async () => {
    const noFile = new FormData();
    noFile.append('other', 'value');
    const missing = await fetch(`${server.app.origin}/uploads`, { method: 'POST', body: noFile });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/part named "file"/);
    const json = await fetch(`${server.app.origin}/uploads`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
  });

  it('deletes unused uploads when they expire and keeps used ones', async () => {
    const unused = await uploadFile(server.app.origin, await makeImage(1280, 720), 'unused.png');
    const used = await uploadFile(server.app.origin, await makeImage(1280, 720), 'used.png');
    await server.gql.data(CreateVideoWithAssetsDocument, { input: { prompt: 'A frame to start from', size: '1280x720', inputReferenceUploadId: used.body.id } });
    const idOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
    await eventually(async () => (await forkForWorkers(server.app.db.orm).findOne(Upload, { id: idOf(unused.body.id) })) === null, { timeoutMs: 15_000, what: 'unused upload to expire' });
    const kept = await forkForWorkers(server.app.db.orm).findOne(Upload, { id: idOf(used.body.id) });
    expect(kept?.usedAt).toBeInstanceOf(Date);
  });
});
