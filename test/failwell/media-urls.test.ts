import { CreateVideoDocument, GetVideoDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { eventually } from '../support/wait';

// Small on purpose: URLs live 10 s at most, at least 5 s, so one URL is handed out for 5 s.
const TTL = 10;
const MIN_VALIDITY = 5;

/** Expiry (epoch seconds) inside a media URL's token. */
const expiryOf = (url: string) => (JSON.parse(Buffer.from(new URL(url).pathname.split('/')[2].split('.')[0], 'base64url').toString()) as { e: number }).e;

describe.each(databaseKinds())('media URLs are stable for a window, with cache headers to match (%s)', (db) => {
  let server: TestServer;
  let videoId: string;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { MEDIA_URL_TTL_SECONDS: String(TTL), MEDIA_URL_MIN_VALIDITY_SECONDS: String(MIN_VALIDITY) } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A kettle on a stove, steam rising', size: '1280x720', seconds: 4 } });
    videoId = (await waitForVideo(server.gql, createVideo.video.id)).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Reads the video's URLs and checks each is valid for at least the minimum from now. */
  const read = async () => {
    const { video } = await server.gql.data(GetVideoDocument, { id: videoId });
    const now = Date.now() / 1000;
    for (const url of [video!.downloadUrl!, video!.thumbnailUrl!]) {
      expect(expiryOf(url) - now).toBeGreaterThanOrEqual(MIN_VALIDITY - 0.5);
      expect(expiryOf(url) - now).toBeLessThanOrEqual(TTL + 0.5);
    }
    return { download: video!.downloadUrl!, thumbnail: video!.thumbnailUrl! };
  };

  it('refetches within a bucket give the same URL; the next bucket a new one; the old one stays valid until its own expiry', async () => {
    const first = await read();
    // Line up with a bucket boundary: the first read whose URL differs starts a fresh bucket.
    const fresh = await eventually(async () => {
      const now = await read();
      return now.download !== first.download ? now : undefined;
    }, { timeoutMs: (TTL - MIN_VALIDITY + 2) * 1000, what: 'the URL of the next bucket' });
    expect(fresh.thumbnail).not.toBe(first.thumbnail);
    expect(expiryOf(fresh.download) - expiryOf(first.download)).toBe(TTL - MIN_VALIDITY);

    // Time passing is what is under test: reads over the next 2 s (less than the 5 s bucket) all agree.
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      expect(await read()).toEqual(fresh);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The previous URL was handed out with at least 5 s to live: it still works, for its remaining time only.
    const old = await fetch(first.download, { headers: { range: 'bytes=0-15' } });
    expect(old.status).toBe(206);
    const maxAge = Number(/max-age=(\d+)/.exec(old.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeLessThanOrEqual(expiryOf(first.download) - Math.floor(Date.now() / 1000));
    // Both URLs name the same bytes, so they carry the same validator.
    expect(old.headers.get('etag')).toBe((await fetch(fresh.download, { method: 'HEAD' })).headers.get('etag'));

    // Once its own expiry passes it is refused, while the current one keeps working.
    const expired = await eventually(async () => {
      const response = await fetch(first.download);
      return response.status === 403 ? ((await response.json()) as { error: { code: string; message: string } }) : undefined;
    }, { timeoutMs: (MIN_VALIDITY + 2) * 1000, what: 'the old URL to expire' });
    expect(expired.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/expired/) });
    expect(Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(expiryOf(first.download));
    expect((await fetch(fresh.download, { method: 'HEAD' })).status).toBe(200);
  }, 60_000);

  it('serves private, revalidatable responses: max-age within the URL lifetime, ETag, Last-Modified, ranges, 304', async () => {
    const { download } = await read();
    const full = await fetch(download);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(full.status).toBe(200);
    const cacheControl = full.headers.get('cache-control') ?? '';
    expect(cacheControl).toMatch(/^private, max-age=\d+$/);
    const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(expiryOf(download) - Math.floor(Date.now() / 1000));
    const etag = full.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(Date.parse(full.headers.get('last-modified') ?? '')).toBeGreaterThan(0);
    expect(full.headers.get('accept-ranges')).toBe('bytes');

    const partial = await fetch(download, { headers: { range: 'bytes=100-199' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(partial.headers.get('etag')).toBe(etag);
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    // fetch() adds `cache-control: no-cache` to conditional requests unless told otherwise; a browser revalidating sends max-age=0.
    const revalidated = await fetch(download, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(revalidated.status).toBe(304);
    expect((await revalidated.arrayBuffer()).byteLength).toBe(0);
    // Positive control: a different validator gets the bytes.
    expect((await fetch(download, { headers: { 'if-none-match': '"something-else"', 'cache-control': 'max-age=0' } })).status).toBe(200);
  });
});
