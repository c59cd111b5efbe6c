/**
 * Webhooks: signed so that openai-node's `webhooks.unwrap` accepts them (and rejects tampering),
 * retried with backoff on non-2xx, and subject to drop/duplicate/delay/reorder faults.
 */
import OpenAI from 'openai';
import { generateWebhookSecret } from '../../src/emulator';
import { type Captured, type Harness, startHarness, startReceiver, waitFor, waitForVideo, failure } from './helpers';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let h: Harness;
let receiver: Receiver;
const secret = generateWebhookSecret();

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness({ cachedRender: true, webhookRetry: { attempts: 4, baseDelayMs: 20 } });
  h.em.setWebhook({ url: receiver.url, secret });
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.setStatuses([]);
  h.em.faults.clear();
});

const eventOf = (c: Captured) => JSON.parse(c.body) as { id: string; type: string; data: { id: string } };
const deliveriesFor = (id: string) => receiver.received.filter((c) => eventOf(c).data.id === id);

async function createAndWait(prompt = 'webhook test'): Promise<OpenAI.Videos.Video> {
  const v = await h.client.videos.create({ prompt });
  return waitForVideo(h.client, v.id);
}

describe('signing', () => {
  it('delivers video.completed that webhooks.unwrap verifies; a tampered body is rejected', async () => {
    const v = await createAndWait();
    const c = await waitFor(() => deliveriesFor(v.id)[0]);
    expect(c.headers['content-type']).toBe('application/json');
    expect(c.headers['user-agent']).toBe('OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)');
    expect(c.headers['webhook-id']).toMatch(/^wh_/);
    expect(c.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verifier = new OpenAI({ apiKey: 'unused', baseURL: h.em.baseURL });
    const event = (await verifier.webhooks.unwrap(c.body, c.headers, secret)) as unknown as Record<string, unknown>;
    expect(event).toMatchObject({ object: 'event', type: 'video.completed', data: { id: v.id } });
    expect(String(event.id)).toMatch(/^evt_/);
    expect(typeof event.created_at).toBe('number');
    const tampered = c.body.replace(v.id, 'video_someone_else');
    await expect(verifier.webhooks.unwrap(tampered, c.headers, secret)).rejects.toBeInstanceOf(OpenAI.InvalidWebhookSignatureError);
    await expect(verifier.webhooks.unwrap(c.body, c.headers, generateWebhookSecret())).rejects.toBeInstanceOf(OpenAI.InvalidWebhookSignatureError);
  });

  it('delivers video.failed for moderation and internal failures', async () => {
    const m = await createAndWait('this will EMULATOR_FAIL_RENDER');
    expect(m).toMatchObject({
      status: 'failed',
      error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
    });
    const i = await createAndWait('EMULATOR_FAIL_INTERNAL please');
    expect(i).toMatchObject({ status: 'failed', error: { code: 'internal_error' }, expires_at: null });
    const failed = await waitFor(() => {
      const types = [...deliveriesFor(m.id), ...deliveriesFor(i.id)].map((c) => eventOf(c).type);
      return types.length === 2 ? types : undefined;
    });
    expect(failed).toEqual(['video.failed', 'video.failed']);
    const err = await failure(h.client.videos.downloadContent(m.id));
    expect(err.error).toMatchObject({ code: 'video_failed' });
  });
});

describe('retries and faults', () => {
  it('retries after non-2xx with the same webhook-id until a 2xx', async () => {
    receiver.setStatuses([500, 503]);
    const v = await createAndWait();
    const all = await waitFor(() => (deliveriesFor(v.id).length === 3 ? deliveriesFor(v.id) : undefined));
    expect(all.map((c) => c.status)).toEqual([500, 503, 200]);
    expect(new Set(all.map((c) => c.headers['webhook-id'])).size).toBe(1);
    expect(new Set(all.map((c) => eventOf(c).id)).size).toBe(1);
  });

  it('drops the next N deliveries', async () => {
    h.em.faults.set({ webhooks: { drop: 1 } });
    const a = await createAndWait('dropped');
    const b = await createAndWait('delivered');
    await waitFor(() => deliveriesFor(b.id)[0]);
    expect(deliveriesFor(a.id)).toHaveLength(0);
    expect(h.em.faults.get().webhooks.drop).toBe(0);
  });

  it('duplicates the next N deliveries with the same webhook-id', async () => {
    h.em.faults.set({ webhooks: { duplicate: 1 } });
    const v = await createAndWait();
    const two = await waitFor(() => (deliveriesFor(v.id).length === 2 ? deliveriesFor(v.id) : undefined));
    expect(two[0].headers['webhook-id']).toBe(two[1].headers['webhook-id']);
  });

  it('delays deliveries', async () => {
    h.em.faults.set({ webhooks: { delayMs: 300 } });
    const v = await createAndWait();
    const doneAt = Date.now();
    await waitFor(() => deliveriesFor(v.id)[0]);
    expect(Date.now() - doneAt).toBeGreaterThanOrEqual(200);
  });

  it('reorders deliveries in pairs', async () => {
    h.em.faults.set({ webhooks: { reorder: true } });
    const a = await createAndWait('first');
    const b = await createAndWait('second');
    await waitFor(() => (receiver.received.length >= 2 ? true : undefined));
    expect(receiver.received.map((c) => eventOf(c).data.id)).toEqual([b.id, a.id]);
  });
});
