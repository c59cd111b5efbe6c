/**
 * Fault injection (in-process and over the loopback-only admin routes), RPM limiting, default
 * timing, and volume: 50 concurrent creates all complete.
 */
import os from 'node:os';
import OpenAI from 'openai';
import { type Harness, raw, startHarness, waitFor, waitForVideo, failure } from './helpers';

describe('faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ cachedRender: true });
  });
  afterAll(() => h.close());
  afterEach(() => h.em.faults.clear());

  it('a 429 fault is retried by the SDK (retry-after-ms honoured) and the job still completes once', async () => {
    h.em.faults.set({ rateLimit: { remaining: 1, retryAfterMs: 150, match: 'POST /videos$' } });
    const before = h.em.record.count('create');
    const client = new OpenAI({ apiKey: 'k', baseURL: h.em.baseURL, maxRetries: 2 });
    const t0 = Date.now();
    const v = await client.videos.create({ prompt: 'retried' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(h.em.faults.get().rateLimit).toMatchObject({ remaining: 0 });
    expect(h.em.record.count('create')).toBe(before + 1);
    expect((await waitForVideo(client, v.id)).status).toBe('completed');
  });

  it('a 429 carries retry-after-ms, retry-after and the envelope', async () => {
    h.em.faults.set({ rateLimit: { remaining: 1, retryAfterMs: 1500 } });
    const res = await raw(`${h.em.baseURL}/videos`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after-ms')).toBe('1500');
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.json()).toEqual({
      error: { message: 'Rate limit reached for requests (injected fault). Please try again in 1500ms.', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('a 500 fault surfaces as InternalServerError and creates nothing; match limits it to one route', async () => {
    h.em.faults.set({ serverError: { remaining: 1, match: 'POST /videos$' } });
    const before = h.em.record.count();
    await expect(h.client.videos.list()).resolves.toBeDefined();
    const err = await failure(h.client.videos.create({ prompt: 'x' }));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.error).toEqual({
      message:
        'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error.',
      type: 'server_error',
      param: null,
      code: null,
    });
    expect(h.em.record.count()).toBe(before);
    await expect(h.client.videos.create({ prompt: 'x' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('adds latency to API responses', async () => {
    h.em.faults.set({ latencyMs: 200 });
    const t0 = Date.now();
    await h.client.videos.list();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('admin routes drive the same faults over HTTP (no API key) and expose the record', async () => {
    const put = await raw(`${h.em.origin}/_emulator/faults`, {
      key: null,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serverError: { remaining: 2, match: 'GET /videos/' }, webhooks: { drop: 1 } }),
    });
    expect(put.status).toBe(200);
    expect(put.json()).toMatchObject({ serverError: { remaining: 2 }, webhooks: { drop: 1, duplicate: 0 } });
    expect(h.em.faults.get().serverError).toEqual({ remaining: 2, match: 'GET /videos/' });
    expect((await raw(`${h.em.origin}/_emulator/faults`, { key: null })).json()).toEqual(h.em.faults.get());
    const bad = await raw(`${h.em.origin}/_emulator/faults`, {
      key: null,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: -1 }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { param: 'latencyMs', code: 'invalid_value' } });
    const del = await raw(`${h.em.origin}/_emulator/faults`, { key: null, method: 'DELETE' });
    expect(del.json()).toMatchObject({ serverError: null, rateLimit: null, latencyMs: 0 });
    const rec = (await raw(`${h.em.origin}/_emulator/record`, { key: null })).json() as { data: unknown[] };
    expect(rec.data).toHaveLength(h.em.record.count());
  });
});

describe('admin routes from a non-loopback address', () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  (external ? it : it.skip)('are refused with 403', async () => {
    const h = await startHarness({ host: '0.0.0.0' });
    try {
      const res = await raw(`http://${external}:${h.em.port}/_emulator/faults`, { key: null });
      expect(res.status).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect((await raw(`${h.em.origin}/_emulator/faults`, { key: null })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('limits and volume', () => {
  it('answers 429 beyond the configured RPM', async () => {
    const h = await startHarness({ rateLimit: { rpm: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await raw(`${h.em.baseURL}/videos`)).status).toBe(200);
      const res = await raw(`${h.em.baseURL}/videos`);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after-ms'))).toBeGreaterThan(50_000);
      expect(res.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    } finally {
      await h.close();
    }
  });

  it('completes a 4 s 720p clip within 4 s with the default timing', async () => {
    const h = await startHarness({ timing: undefined });
    try {
      const t0 = Date.now();
      const v = await h.client.videos.create({ prompt: 'default timing' });
      const seen = new Set<string>();
      const fin = await waitFor(async () => {
        const cur = await h.client.videos.retrieve(v.id);
        seen.add(cur.status);
        return cur.status === 'completed' ? cur : undefined;
      }, 10_000);
      expect(Date.now() - t0).toBeLessThan(4000);
      expect(seen.has('in_progress')).toBe(true);
      expect(fin.progress).toBe(100);
    } finally {
      await h.close();
    }
  });

  it('completes 50 concurrent creates (cached render)', async () => {
    const h = await startHarness({ cachedRender: true, timing: undefined });
    try {
      const created = await Promise.all(Array.from({ length: 50 }, (_, i) => h.client.videos.create({ prompt: `load ${i}` })));
      expect(new Set(created.map((v) => v.id)).size).toBe(50);
      const finished = await Promise.all(created.map((v) => waitForVideo(h.client, v.id, 60_000)));
      expect(finished.every((v) => v.status === 'completed')).toBe(true);
      expect(h.em.record.count('create')).toBe(50);
    } finally {
      await h.close();
    }
  });
});
