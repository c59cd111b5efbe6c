import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { forkForWorkers } from '../../src/db/tenant-scoped';
import { Upload } from '../../src/modules/uploads/upload.entity';
import { databaseKinds } from '../support/databases';
import { makeImage } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';

// Small on purpose, so the test sees each cut-off happen.
const HEADERS_MS = 600;
const REQUEST_MS = 1500;
const IDLE_MS = 800;
const UPLOAD_MS = 3000;
/** Lateness allowed for a cut-off (timer granularity, Node's checking period, a busy machine). */
const SLACK_MS = 1000;

/** A raw client connection: what it sent, what came back, and when the server closed it. */
interface RawClient {
  send(data: string | Buffer): void;
  /** Sends `chunk` every `everyMs` until the connection closes. */
  trickle(chunk: string | Buffer, everyMs: number): void;
  /** When the last byte was sent (ms epoch). */
  lastSentAt(): number;
  received(): string;
  /** Resolves with the time the server closed the connection; rejects if that takes longer than `withinMs`. */
  closed(withinMs: number): Promise<number>;
}

async function connect(server: TestServer): Promise<RawClient> {
  const socket = net.connect(Number(new URL(server.app.origin).port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let lastSent = Date.now();
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => {});
  const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  void closedAt.then(() => clearInterval(timer));
  const send = (data: string | Buffer) => {
    if (socket.destroyed) return;
    socket.write(data);
    lastSent = Date.now();
  };
  return {
    send,
    trickle: (chunk, everyMs) => (timer = setInterval(() => send(chunk), everyMs)),
    lastSentAt: () => lastSent,
    received: () => received,
    closed: (withinMs) => {
      let guard: NodeJS.Timeout | undefined;
      const late = new Promise<number>((_, reject) => {
        guard = setTimeout(() => {
          socket.destroy();
          reject(new Error(`the server kept the connection open for more than ${withinMs} ms; received ${JSON.stringify(received.slice(0, 200))}`));
        }, withinMs);
      });
      return Promise.race([closedAt, late]).finally(() => clearTimeout(guard));
    },
  };
}

const multipartHead = (boundary: string, length: number | 'chunked') =>
  `POST /uploads HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\n${length === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${length}`}\r\n\r\n`;
const partHead = (boundary: string) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.png"\r\ncontent-type: image/png\r\n\r\n`);
const partTail = (boundary: string) => Buffer.from(`\r\n--${boundary}--\r\n`);

/** The JSON body of a raw HTTP response. */
const jsonOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe.each(databaseKinds())('slow and stalled requests are cut off at the configured timeouts (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      db,
      env: { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS), HTTP_BODY_IDLE_TIMEOUT_MS: String(IDLE_MS), UPLOAD_TIMEOUT_MS: String(UPLOAD_MS) },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const rows = () => forkForWorkers(server.app.db.orm).count(Upload);
  const tempFiles = () => {
    try {
      return readdirSync(path.join(server.dataDir, 'media', '.tmp')).length;
    } catch {
      return 0;
    }
  };

  it('headers that trickle, a stalled body, a trickling body and a stalled upload: each 408 on time, while the server answers others', async () => {
    const rowsBefore = await rows();
    const submitted = server.app.emulator!.record.count();

    // Slowloris: a header line every 100 ms, never the blank line that ends them.
    const slowHeaders = await connect(server);
    const slowHeadersStart = Date.now();
    slowHeaders.send('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n');
    slowHeaders.trickle('x-padding: a\r\n', 100);

    // A GraphQL body that stops after 20 of its 200 bytes.
    const stalled = await connect(server);
    stalled.send('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"query":"mutation {');

    // A GraphQL body that keeps coming, one byte every 100 ms: never idle, but far too slow.
    const trickling = await connect(server);
    const tricklingStart = Date.now();
    trickling.send('POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2000\r\n\r\n{');
    trickling.trickle(' ', 100);

    // An upload that stops after 64 KiB.
    const boundary = 'reelgraphslow';
    const upload = await connect(server);
    upload.send(multipartHead(boundary, 5 * 1024 * 1024));
    upload.send(partHead(boundary));
    upload.send(Buffer.alloc(64 * 1024, 9));

    // While all four hold their connections, the server answers a normal request at once.
    const pingStart = Date.now();
    const ping = await server.gql.request('{ __typename }');
    const pingMs = Date.now() - pingStart;
    expect(ping.status).toBe(200);
    expect(pingMs).toBeLessThan(500);

    const headersClosed = await slowHeaders.closed(HEADERS_MS + SLACK_MS + 500);
    expect(headersClosed - slowHeadersStart).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408 /);

    const stalledClosed = await stalled.closed(IDLE_MS + SLACK_MS + 500);
    expect(stalledClosed - stalled.lastSentAt()).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(jsonOf(stalled.received())).toEqual({ errors: [{ message: 'The request body stalled: nothing arrived for 0.8 s.', extensions: { code: 'REQUEST_TIMEOUT' } }] });

    const tricklingClosed = await trickling.closed(REQUEST_MS + SLACK_MS);
    expect(tricklingClosed - tricklingStart).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(jsonOf(trickling.received())).toMatchObject({ errors: [{ extensions: { code: 'REQUEST_TIMEOUT' }, message: expect.stringMatching(/within 1\.5 s/) }] });

    const uploadClosed = await upload.closed(IDLE_MS + SLACK_MS + 500);
    expect(uploadClosed - upload.lastSentAt()).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(jsonOf(upload.received())).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: 'The request body stalled: nothing arrived for 0.8 s.' } });

    // Nothing was run, stored or submitted, and the cut-off upload left no temporary file.
    await eventually(() => tempFiles() === 0, { timeoutMs: 5000, what: 'the stalled upload\'s part file to go' });
    expect(await rows()).toBe(rowsBefore);
    expect(server.app.emulator!.record.count()).toBe(submitted);
    expect((await server.gql.request('{ __typename }')).status).toBe(200);
  });

  it('an upload may take longer than other requests while it keeps sending, up to its own deadline', async () => {
    const boundary = 'reelgraphsteady';
    const png = await makeImage(320, 180);
    const body = Buffer.concat([partHead(boundary), png, partTail(boundary)]);
    const rowsBefore = await rows();

    // Positive control: 2.4 s of steady sending (past the 1.5 s request deadline, within the 3 s upload one) succeeds.
    const steady = await connect(server);
    steady.send(multipartHead(boundary, body.length));
    const pieces = 24;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces; i++) {
      steady.send(body.subarray(i * size, (i + 1) * size));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(() => steady.received().includes('\r\n\r\n{'), { timeoutMs: 5000, what: 'the upload response' });
    expect(steady.received()).toMatch(/^HTTP\/1\.1 201 /);
    expect(jsonOf(steady.received())).toMatchObject({ kind: 'IMAGE', width: 320, height: 180 });
    expect(await rows()).toBe(rowsBefore + 1);

    // The same pace without end is cut at the upload deadline.
    const endless = await connect(server);
    const start = Date.now();
    endless.send(multipartHead(boundary, 5 * 1024 * 1024));
    endless.send(partHead(boundary));
    endless.trickle(Buffer.alloc(1024, 3), 100);
    const closed = await endless.closed(UPLOAD_MS + SLACK_MS);
    expect(closed - start).toBeGreaterThanOrEqual(UPLOAD_MS - 50);
    expect(jsonOf(endless.received())).toMatchObject({ error: { code: 'REQUEST_TIMEOUT', message: expect.stringMatching(/within 3 s/) } });
    await eventually(() => tempFiles() === 0, { timeoutMs: 5000, what: 'the cut-off upload\'s part file to go' });
    expect(await rows()).toBe(rowsBefore + 1);
  });
});
