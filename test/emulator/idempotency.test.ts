/**
 * `Idempotency-Key` on job-creating requests (docs/emulator.md): same key + same request → the
 * same job and no new record entry; same key + another request → 400; no key → a new job each time.
 */
import { type Harness, startHarness } from './helpers';

async function post(h: Harness, route: string, body: unknown, key?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${h.em.baseURL}${route}`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('Idempotency-Key', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ cachedRender: true });
  });
  afterAll(async () => h?.close());

  it('returns the first job for a resend of the same request, without recording a second', async () => {
    const body = { prompt: 'idempotent create', model: 'sora-2', size: '1280x720', seconds: '4' };
    const [a, b] = await Promise.all([post(h, '/videos', body, 'key-same'), post(h, '/videos', body, 'key-same')]);
    const c = await post(h, '/videos', body, 'key-same');
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.json.id, b.json.id, c.json.id]).size).toBe(1);
    expect(h.em.record.entries().filter((e) => e.prompt === 'idempotent create')).toEqual([expect.objectContaining({ id: a.json.id, idempotencyKey: 'key-same' })]);
    // Positive control: without a key the same body is a new job.
    const d = await post(h, '/videos', body);
    expect(d.json.id).not.toBe(a.json.id);
    expect(h.em.record.entries().filter((e) => e.prompt === 'idempotent create')).toHaveLength(2);
  });

  it('refuses the key for a different request, and creates nothing', async () => {
    await post(h, '/videos', { prompt: 'original', size: '1280x720' }, 'key-reused');
    const before = h.em.record.count();
    const other = await post(h, '/videos', { prompt: 'something else', size: '1280x720' }, 'key-reused');
    expect(other.status).toBe(400);
    expect(other.json.error).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' });
    expect(h.em.record.count()).toBe(before);
  });

  it('refuses a malformed key', async () => {
    const before = h.em.record.count();
    const bad = await post(h, '/videos', { prompt: 'bad key', size: '1280x720' }, 'x'.repeat(300));
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_value', param: 'Idempotency-Key' });
    expect(h.em.record.count()).toBe(before);
  });

  it('is ignored when switched off, like a gateway that does not support it', async () => {
    const off = await startHarness({ cachedRender: true, idempotency: false });
    try {
      const body = { prompt: 'keys ignored', size: '1280x720' };
      const [a, b] = [await post(off, '/videos', body, 'k'), await post(off, '/videos', body, 'k')];
      expect(a.json.id).not.toBe(b.json.id);
    } finally {
      await off.close();
    }
  });
});
