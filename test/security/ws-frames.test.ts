import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { print } from 'graphql';
import { VideosUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { quickQueryMs } from '../support/latency';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { acknowledgedSocket, protocolSocket } from '../support/ws';

const MB = 1024 * 1024;

/** A WebSocket upgraded by hand over TCP, so a huge frame can be streamed without the client masking a copy of it. */
interface RawSocket {
  socket: net.Socket;
  /** Resolves with the code of the first close frame the server sends. */
  closeCode: Promise<number>;
  /** True once a close frame arrived or the connection ended. */
  done(): boolean;
}

async function rawUpgrade(server: TestServer, headers: Record<string, string> = {}): Promise<RawSocket> {
  const url = new URL(server.wsUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {});
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n${extra}\r\n`);
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  let finished = false;
  let settleClose!: (code: number) => void;
  const closeCode = new Promise<number>((resolve) => (settleClose = resolve));
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buffered = buffered.subarray(end + 4);
        resolve();
      }
      // Server frames are unmasked; a close frame is 0x88, then its length, then the code.
      const at = buffered.indexOf(0x88);
      if (at >= 0 && buffered.length >= at + 4) {
        finished = true;
        settleClose(buffered.readUInt16BE(at + 2));
      }
    });
    socket.once('close', () => {
      finished = true;
      settleClose(-1);
      reject(new Error('connection closed during the upgrade'));
    });
  });
  return { socket, closeCode, done: () => finished };
}

/**
 * Streams one text frame declared as `bytes` long (mask key 0, so the payload is sent as is) until
 * it is all sent or the server closes. Returns how many payload bytes were written.
 */
async function streamFrame(raw: RawSocket, bytes: number, chunk: Buffer): Promise<number> {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(bytes), 2);
  raw.socket.write(header);
  let written = 0;
  while (written < bytes && !raw.done() && !raw.socket.destroyed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    written += piece.length;
    // Yield after each piece, so a close frame that has arrived stops the stream (as a real client would).
    const flushed = raw.socket.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
    if (!flushed && !raw.done()) {
      await new Promise<void>((resolve) => {
        const go = () => {
          raw.socket.off('drain', go);
          raw.socket.off('close', go);
          resolve();
        };
        raw.socket.on('drain', go).on('close', go);
        void raw.closeCode.then(go);
      });
    }
  }
  return written;
}


describe.each(databaseKinds())('large and unauthenticated WebSocket frames (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { WS_PREAUTH_CONNECTIONS_PER_ADDRESS: '4', WS_CONNECTION_INIT_TIMEOUT_MS: '60000' } });
    await server.gql.request('{ __typename }');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('four anonymous 80 MB connection_init frames are refused from their header (1009); RSS stays bounded and queries stay fast', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const rssBefore = process.memoryUsage().rss;
    const sockets = await Promise.all([1, 2, 3, 4].map((n) => rawUpgrade(server, { 'x-forwarded-for': `198.51.100.${n}` })));
    const streaming = Promise.all(sockets.map((raw) => streamFrame(raw, 80_000_000, chunk)));
    expect(await quickQueryMs(server)).toBeLessThan(100);
    const written = await streaming;
    const codes = await Promise.all(sockets.map((raw) => raw.closeCode));
    expect(codes).toEqual([1009, 1009, 1009, 1009]);
    // The server stopped the frames long before their end.
    for (const bytes of written) expect(bytes).toBeLessThan(8 * MB);
    const grownMb = (process.memoryUsage().rss - rssBefore) / MB;
    expect(grownMb).toBeLessThan(64);
    expect(await quickQueryMs(server)).toBeLessThan(100);
    for (const raw of sockets) raw.socket.destroy();
  });

  it('before connection_ack only small messages are accepted; after it, messages up to WS_MAX_PAYLOAD_BYTES', async () => {
    const anonymous = await protocolSocket(server.wsUrl, { headers: { 'x-forwarded-for': '198.51.100.20' } });
    anonymous.send({ type: 'connection_init', payload: { padding: 'x'.repeat(100_000) } });
    expect((await anonymous.closed).code).toBe(1009);

    // Positive control: an authenticated connection takes the same 100 KB message.
    const socket = await acknowledgedSocket(server.wsUrl, {}, { headers: { 'x-forwarded-for': '198.51.100.21' } });
    socket.send({ id: 'big', type: 'subscribe', payload: { query: `${print(VideosUpdatedDocument)}\n#${'x'.repeat(100_000)}`, variables: {} } });
    socket.send({ type: 'ping' });
    await socket.waitFor((m) => m.type === 'pong', 'pong after a 100 KB subscribe');
    expect(socket.isClosed()).toBe(false);
    // Over the authenticated limit (1 MiB by default): closed from the header too.
    socket.send({ type: 'ping', payload: { padding: 'x'.repeat(2 * MB) } });
    expect((await socket.closed).code).toBe(1009);
  });

  it('an address may hold only WS_PREAUTH_CONNECTIONS_PER_ADDRESS unauthenticated connections; others are unaffected', async () => {
    const crowd = { headers: { 'x-forwarded-for': '198.51.100.30' } };
    const pending = await Promise.all([1, 2, 3, 4].map(() => protocolSocket(server.wsUrl, crowd)));
    await expect(protocolSocket(server.wsUrl, crowd)).rejects.toMatchObject({ status: 429 });
    // Another address connects and authenticates as usual.
    const other = await acknowledgedSocket(server.wsUrl, {}, { headers: { 'x-forwarded-for': '198.51.100.31' } });
    other.socket.close();
    // Authenticating one of the four frees its slot at once.
    pending[0].send({ type: 'connection_init', payload: {} });
    await pending[0].waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    const fifth = await protocolSocket(server.wsUrl, crowd);
    await expect(protocolSocket(server.wsUrl, crowd)).rejects.toMatchObject({ status: 429 });
    // Closing them frees the rest.
    for (const s of [...pending, fifth]) s.socket.close();
    await Promise.all([...pending, fifth].map((s) => s.closed));
    const later = await eventually(() => protocolSocket(server.wsUrl, crowd).catch(() => undefined), { what: 'the closed connections to free their slots', timeoutMs: 5000 });
    later.socket.close();
  });
});
