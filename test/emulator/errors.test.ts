/**
 * Every validation and transport error: exact envelope and message, right status, and no partial
 * state (no record entry, no files) after a rejected request.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import OpenAI, { type APIError, toFile } from 'openai';
import { type Harness, raw, startHarness, failure } from './helpers';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness({ maxUploadBytes: 64 * 1024 });
  client = h.client;
});
afterAll(() => h.close());

const envelope = (message: string, param: string | null, code: string | null, type = 'invalid_request_error') => ({
  message,
  type,
  param,
  code,
});

async function rejectJson(body: Record<string, unknown>, path = '/videos'): Promise<APIError> {
  const before = h.em.record.count();
  const err = await failure(client.post(path, { body }));
  expect(h.em.record.count()).toBe(before);
  return err;
}

describe('create validation (contract wording)', () => {
  it.each<[string, Record<string, unknown>, ReturnType<typeof envelope>]>([
    [
      'seconds not supported',
      { prompt: 'x', seconds: '10' },
      envelope("Invalid value: '10'. Supported values are: '4', '8', '12', '16', and '20'.", 'seconds', 'invalid_value'),
    ],
    [
      'size not in the enum',
      { prompt: 'x', size: '1080x1080' },
      envelope(
        "Invalid value: '1080x1080'. Supported values are: '720x1280', '1280x720', '1024x1792', '1792x1024', '1920x1080', and '1080x1920'.",
        'size',
        'invalid_value',
      ),
    ],
    [
      'size the model does not render',
      { prompt: 'x', size: '1792x1024' },
      envelope("Invalid value: '1792x1024'. Supported values for model 'sora-2' are: '720x1280' and '1280x720'.", 'size', 'invalid_value'),
    ],
    [
      'model unknown',
      { prompt: 'x', model: 'sora-1-turbo' },
      envelope(
        "Invalid value: 'sora-1-turbo'. Supported values are: 'sora-2', 'sora-2-pro', 'sora-2-2025-10-06', 'sora-2-2025-12-08', and 'sora-2-pro-2025-10-06'.",
        'model',
        'invalid_value',
      ),
    ],
    ['unknown parameter', { prompt: 'x', width: 1280 }, envelope("Unknown parameter: 'width'.", 'width', 'unknown_parameter')],
    ['missing prompt', { seconds: '4' }, envelope("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter')],
    [
      'empty prompt',
      { prompt: '' },
      envelope(
        "Invalid 'prompt': string too short. Expected a string with minimum length 1, but got an empty string instead.",
        'prompt',
        'string_below_min_length',
      ),
    ],
    [
      'prompt too long',
      { prompt: 'p'.repeat(32001) },
      envelope(
        "Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a string with length 32001 instead.",
        'prompt',
        'string_above_max_length',
      ),
    ],
    [
      'prompt of the wrong type',
      { prompt: 42 },
      envelope("Invalid type for 'prompt': expected a string, but got an integer instead.", 'prompt', 'invalid_type'),
    ],
    [
      'input_reference with both keys',
      { prompt: 'x', input_reference: { file_id: 'file-a', image_url: 'https://x' } },
      envelope("Invalid 'input_reference': expected exactly one of 'file_id' or 'image_url'.", 'input_reference', 'invalid_value'),
    ],
    [
      'nested unknown parameter',
      { prompt: 'x', input_reference: { url: 'x' } },
      envelope("Unknown parameter: 'input_reference.url'.", 'input_reference.url', 'unknown_parameter'),
    ],
  ])('%s', async (_label, body, expected) => {
    const err = await rejectJson(body);
    expect(err.status).toBe(400);
    expect(err.error).toEqual(expected);
  });

  it('accepts prompts of exactly 1 and 32000 characters and the 2026-guide values', async () => {
    await expect(client.post('/videos', { body: { prompt: 'p' } })).resolves.toMatchObject({ status: 'queued' });
    await expect(client.post('/videos', { body: { prompt: 'p'.repeat(32000), seconds: 20 } })).resolves.toMatchObject({ seconds: '20' });
    await expect(client.post('/videos', { body: { prompt: 'hd', model: 'sora-2-pro-2025-10-06', size: '1920x1080', seconds: '16' } })).resolves.toMatchObject({
      size: '1920x1080',
    });
  });

  it('validates multipart bodies the same way (SDK create)', async () => {
    const err = await failure(client.videos.create({ prompt: 'x', seconds: '10' as '4' }));
    expect(err.error).toEqual(
      envelope("Invalid value: '10'. Supported values are: '4', '8', '12', '16', and '20'.", 'seconds', 'invalid_value'),
    );
  });
});

describe('guardrails', () => {
  it('blocks EMULATOR_BLOCK at create time with moderation_blocked and records nothing', async () => {
    const err = await rejectJson({ prompt: 'a scene with emulator_block in it' });
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ code: 'moderation_blocked', param: 'prompt', type: 'invalid_request_error' });
    expect(err.message).toMatch(/^400 Your request was rejected by our moderation system\./);
  });
});

describe('transport errors', () => {
  it('401 without a bearer token (raw HTTP: the SDK always sends one)', async () => {
    const res = await raw(`${h.em.baseURL}/videos`, { key: null });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({
      error: envelope(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        null,
        'invalid_api_key',
      ),
    });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('404 for unknown routes and unknown ids', async () => {
    const res = await raw(`${h.em.baseURL}/images/generations`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: envelope('Invalid URL (POST /v1/images/generations)', null, 'unknown_url') });
    for (const p of ['/videos/video_x', '/videos/characters/char_x', '/files/file-x', '/batches/batch_x']) {
      const r = await raw(`${h.em.baseURL}${p}`);
      expect(r.status).toBe(404);
      expect((r.json() as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
  });

  it('400 for malformed JSON', async () => {
    const res = await raw(`${h.em.baseURL}/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt": "x",' });
    expect(res.status).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toMatch(/^We could not parse the JSON body of your request\./);
    const arr = await raw(`${h.em.baseURL}/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' });
    expect(arr.json()).toEqual({ error: envelope('The request body must be a JSON object.', null, 'invalid_type') });
  });

  it('400 for an unsupported content type and broken multipart', async () => {
    const res = await raw(`${h.em.baseURL}/videos`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'prompt=x' });
    expect(res.json()).toMatchObject({ error: { code: 'unsupported_content_type' } });
    const mp = await raw(`${h.em.baseURL}/videos`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nunterminated',
    });
    expect(mp.status).toBe(400);
    expect(mp.json()).toMatchObject({ error: { code: 'invalid_multipart' } });
    expect(readdirSync(path.join(h.dataDir, 'tmp'))).toEqual([]);
  });

  it('413 for an oversized upload, with no leftover file and no record entry', async () => {
    const before = h.em.record.count();
    const big = Buffer.alloc(200 * 1024, 1);
    const err = await failure(client.videos.create({ prompt: 'x', input_reference: await toFile(big, 'big.png', { type: 'image/png' }) }));
    expect(err.status).toBe(413);
    expect(err.error).toEqual(
      envelope('Request too large: the maximum upload size is 65536 bytes.', 'input_reference', 'request_too_large'),
    );
    expect(readdirSync(path.join(h.dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(path.join(h.dataDir, 'files'))).toEqual([]);
    expect(h.em.record.count()).toBe(before);
    const json = await failure(client.post('/videos', { body: { prompt: 'x'.repeat(70 * 1024) } }));
    expect(json.status).toBe(413);
  });

  it('rejected requests of every kind leave the record count unchanged', async () => {
    const before = h.em.record.count();
    await client.videos.remix('video_nope', { prompt: 'x' }).catch(() => undefined);
    await client.videos.edit({ prompt: 'x', video: { id: 'video_nope' } }).catch(() => undefined);
    await client.videos.extend({ prompt: 'x', video: { id: 'video_nope' }, seconds: '4' }).catch(() => undefined);
    await client.post('/videos', { body: { prompt: 'x', input_reference: { file_id: 'file-nope' } } }).catch(() => undefined);
    expect(h.em.record.count()).toBe(before);
    const videoDirs = readdirSync(path.join(h.dataDir, 'videos')).length;
    expect(videoDirs).toBe(h.em.record.count('create'));
  });
});

describe('strict contract', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ strictContract: true });
  });
  afterAll(() => strict.close());

  it('accepts only the spec enums', async () => {
    const s = await failure(strict.client.post('/videos', { body: { prompt: 'x', seconds: '16' } }));
    expect(s.error).toEqual(envelope("Invalid value: '16'. Supported values are: '4', '8', and '12'.", 'seconds', 'invalid_value'));
    const z = await failure(strict.client.post('/videos', { body: { prompt: 'x', model: 'sora-2-pro', size: '1920x1080' } }));
    expect(z.error).toEqual(
      envelope("Invalid value: '1920x1080'. Supported values are: '720x1280', '1280x720', '1024x1792', and '1792x1024'.", 'size', 'invalid_value'),
    );
  });

  it('checks a configured API key', async () => {
    const keyed = await startHarness({ apiKey: 'sk-right' }, 'sk-wrong');
    try {
      const err = await failure(keyed.client.videos.list());
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.error).toEqual(
        envelope('Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', null, 'invalid_api_key'),
      );
      const ok = new OpenAI({ apiKey: 'sk-right', baseURL: keyed.em.baseURL });
      await expect(ok.videos.list()).resolves.toBeDefined();
    } finally {
      await keyed.close();
    }
  });
});

describe('moderations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('flags the test token and create-time blocked terms through the SDK, and passes everything else', async () => {
    const result = await h.client.moderations.create({ model: 'omni-moderation-latest', input: ['a calm lake', 'EMULATOR_MODERATION_FLAG fight', 'EMULATOR_BLOCK scene'] });
    expect(result.results.map((r) => r.flagged)).toEqual([false, true, true]);
    expect(result.results[1].categories.violence).toBe(true);
    const bad = await h.client.post('/moderations', { body: { input: 42 } }).catch((e: unknown) => e as { status: number });
    expect((bad as { status: number }).status).toBe(400);
  });
});
