import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { Upload } from '../../src/modules/uploads/upload.entity';
import { CreateVideoDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { makeImage } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { FAST_WEBHOOKS_ENV } from './helpers';

/** Files an image host serves: body, content type, status. */
interface Served {
  body?: Buffer;
  type?: string;
  status?: number;
  headers?: Record<string, string>;
}

describe.each(databaseKinds())('inputReferenceUrl (%s)', (db) => {
  let server: TestServer;
  let host: http.Server;
  let origin: string;
  let frame: Buffer;
  const files = new Map<string, Served>();
  const requests: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ db, env: { ...FAST_WEBHOOKS_ENV, UPLOAD_MAX_BYTES: '200000', INPUT_REFERENCE_URL_TIMEOUT_MS: '1000' } });
    frame = await makeImage(1280, 720, 'png');
    files.set('/frame.png', { body: frame, type: 'image/png' });
    files.set('/square.png', { body: await makeImage(512, 512, 'png'), type: 'image/png' });
    files.set('/page.html', { body: Buffer.from('<html>hi</html>'), type: 'text/html; charset=utf-8' });
    files.set('/fake.png', { body: Buffer.from('not an image at all'), type: 'image/png' });
    files.set('/huge.png', { body: Buffer.concat([frame.subarray(0, 64), randomBytes(300_000)]), type: 'image/png' });
    files.set('/moved.png', { status: 302, headers: { location: '/frame.png' } });
    files.set('/missing.png', { status: 404 });
    host = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/slow.png') return; // never answers
      const file = files.get(req.url ?? '');
      if (!file) return res.writeHead(404).end();
      res.writeHead(file.status ?? 200, { ...(file.type ? { 'content-type': file.type } : {}), ...file.headers }).end(file.body);
    });
    host.listen(0, '127.0.0.1');
    await once(host, 'listening');
    origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    host?.closeAllConnections();
    host?.close();
    await server?.close();
  });

  const uploads = () => forkForWorkers(server.app.db.orm).count(Upload, {});

  it('fetches a PNG, checks it like an upload, and sends it upstream as the first frame', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'from a URL', size: '1280x720', inputReferenceUrl: `${origin}/frame.png` } });
    await waitForVideo(server.gql, createVideo.video.id);
    const entry = server.app.emulator!.record.entries().find((e) => e.prompt === 'from a URL');
    expect(entry?.reference).toEqual({ type: 'image/png', width: 1280, height: 720, sha256: createHash('sha256').update(frame).digest('hex') });
    const [stored] = await forkForWorkers(server.app.db.orm).find(Upload, {}, { orderBy: { id: 'desc' }, limit: 1 });
    expect(stored).toMatchObject({ contentType: 'image/png', width: 1280, height: 720, filename: 'frame.png', bytes: frame.length });
    expect(stored.usedAt).toBeInstanceOf(Date);
  });

  it('a retry with the same idempotency key returns the job without fetching the image again', async () => {
    const input = { prompt: 'retried from a URL', size: '1280x720', inputReferenceUrl: `${origin}/frame.png`, idempotencyKey: `ref-${db}` };
    const first = await server.gql.data(CreateVideoDocument, { input });
    const fetched = requests.filter((r) => r === '/frame.png').length;
    const uploadsBefore = await uploads();
    const again = await server.gql.data(CreateVideoDocument, { input });
    expect(again.createVideo.video.id).toBe(first.createVideo.video.id);
    expect(requests.filter((r) => r === '/frame.png')).toHaveLength(fetched);
    expect(await uploads()).toBe(uploadsBefore);
    // Positive control: another key fetches it.
    await server.gql.data(CreateVideoDocument, { input: { ...input, idempotencyKey: `ref-other-${db}` } });
    expect(requests.filter((r) => r === '/frame.png')).toHaveLength(fetched + 1);
  });

  it.each([
    ['a redirect (not followed)', '/moved.png', /answered 302 \(a redirect to \/frame\.png\); redirects are not followed/],
    ['a 404', '/missing.png', /answered HTTP 404/],
    ['an HTML page', '/page.html', /serves text\/html; a reference must be a PNG, JPEG or WebP image/],
    ['bytes that are not an image', '/fake.png', /is not a PNG, JPEG or WebP image \(checked by its content/],
    ['a file over UPLOAD_MAX_BYTES', '/huge.png', /the image is larger than the 200000 bytes UPLOAD_MAX_BYTES allows; use a smaller file/],
    ['an image of another size', '/square.png', /reference image is 512x512 but the video size is 1280x720/],
    ['a host that never answers', '/slow.png', /could not be fetched: no complete response within 1000 ms/],
  ])('refuses %s naming input.inputReferenceUrl; nothing stored or submitted', async (_label, path, message) => {
    const records = server.app.emulator!.record.count();
    const before = await uploads();
    const fetchedBefore = requests.length;
    const error = await server.gql.error(CreateVideoDocument, { input: { prompt: `refused ${path}`, size: '1280x720', inputReferenceUrl: `${origin}${path}` } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputReferenceUrl' });
    expect(error.message).toMatch(message);
    // The host was asked (the refusal is about what it served), and nothing was kept or sent on.
    expect(requests.length).toBe(fetchedBefore + 1);
    expect(await uploads()).toBe(before);
    expect(server.app.emulator!.record.count()).toBe(records);
  });

  it('refuses a URL that is not http(s), and both an upload id and a URL', async () => {
    const ftp = await server.gql.error(CreateVideoDocument, { input: { prompt: 'ftp', size: '1280x720', inputReferenceUrl: 'ftp://127.0.0.1/frame.png' } });
    expect(ftp.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputReferenceUrl' });
    const both = await server.gql.error(CreateVideoDocument, {
      input: { prompt: 'both', size: '1280x720', inputReferenceUrl: `${origin}/frame.png`, inputReferenceUploadId: Buffer.from('Upload:01M7Y8KY87NVJAGFC91GGCKHM2').toString('base64url') },
    });
    expect(both.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputReferenceUrl' });
    expect(both.message).toMatch(/not both/);
  });
});
