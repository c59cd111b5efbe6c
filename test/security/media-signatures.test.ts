import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MediaSigner } from '../../src/storage/media-signer';
import { startTestServer, type TestServer } from '../support/server';

const SECRET = 'media-signing-secret-of-the-signature-test';

/** A variant of the base64url alphabet character with the same high bits (same decoded bytes when it is the last one). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const flipLowBit = (c: string) => ALPHABET[ALPHABET.indexOf(c) ^ 1];

// Serving a media URL reads no database row (the token names the file), so one database kind is enough here.
describe('media URL signatures: only the canonical token verifies', () => {
  let server: TestServer;
  let signer: MediaSigner;
  let tenant: string;
  const body = Buffer.from('not really an mp4, but bytes to serve');
  beforeAll(async () => {
    server = await startTestServer({ env: { MEDIA_SIGNING_SECRET: SECRET } });
    signer = new MediaSigner(SECRET);
    tenant = server.app.localTenant.id;
    const dir = path.join(server.dataDir, 'media', tenant, 'signature-test');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'video.mp4'), body);
  });
  afterAll(async () => {
    await server?.close();
  });

  const url = (token: string, name = 'video.mp4') => `${server.app.origin}/media/${token}/${name}`;
  /** A token whose MAC holds both `-` and `_` (so the `+/` spelling differs), for the test file or `key`. */
  const tokenWithBothSymbols = (key = `${tenant}/signature-test/video.mp4`) => {
    for (let e = Math.floor(Date.now() / 1000) + 3600; ; e++) {
      const token = signer.sign({ t: tenant, k: key, e });
      const mac = token.split('.')[1];
      if (mac.includes('-') && mac.includes('_')) return token;
    }
  };

  /** Each way the old verifier let another spelling of a valid token through. */
  const malleations = (token: string): Record<string, string> => {
    const [payload, mac] = token.split('.');
    const mid = Math.floor(mac.length / 2);
    return {
      'appended =': `${token}=`,
      'appended ==': `${token}==`,
      'unused low bits of the last character': `${payload}.${mac.slice(0, -1)}${flipLowBit(mac.slice(-1))}`,
      '+/ alphabet, / percent-encoded': `${payload}.${mac.replace(/-/g, '+').replace(/_/g, '%2F')}`,
      '+ only (- replaced)': `${payload}.${mac.replace(/-/g, '+')}`,
      'embedded %0A': `${payload}.${mac.slice(0, mid)}%0A${mac.slice(mid)}`,
      'embedded %0D%0A': `${payload}.${mac.slice(0, mid)}%0D%0A${mac.slice(mid)}`,
      'payload padded': `${payload}=.${mac}`,
    };
  };

  it('the canonical token serves the file (positive control)', async () => {
    const response = await fetch(url(tokenWithBothSymbols()));
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it('every other spelling of the same token is 403 with the JSON error, while the server keeps answering', async () => {
    const token = tokenWithBothSymbols();
    const before = server.app.emulator!.record.count();
    const cases = Object.entries(malleations(token));
    const answers = await Promise.all(
      cases.map(async ([name, forged]) => {
        expect(forged).not.toBe(token);
        const response = await fetch(url(forged));
        return { name, status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), body: (await response.json()) as { error: { code: string } } };
      }),
    );
    const ping = await server.gql.request('{ __typename }');
    for (const answer of answers) {
      expect({ name: answer.name, status: answer.status, code: answer.body.error.code }).toEqual({ name: answer.name, status: 403, code: 'FORBIDDEN' });
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.cache).toBe('no-store');
    }
    expect(ping.status).toBe(200);
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('a raw / in the MAC (the +/ alphabet unencoded) is 403 too, not a routing 404', async () => {
    const [payload, mac] = tokenWithBothSymbols().split('.');
    const response = await fetch(`${server.app.origin}/media/${payload}.${mac.replace(/_/g, '/')}/video.mp4`);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('signatures are refused before storage is read: a malleated token for a missing file is 403, its canonical form 404', async () => {
    const token = tokenWithBothSymbols(`${tenant}/signature-test/missing.mp4`);
    expect((await fetch(url(token, 'missing.mp4'))).status).toBe(404);
    for (const [name, forged] of Object.entries(malleations(token))) {
      expect({ name, status: (await fetch(url(forged, 'missing.mp4'))).status }).toEqual({ name, status: 403 });
    }
  });
});
