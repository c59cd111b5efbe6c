/**
 * Standalone mode: `EMULATOR_*` parsing, the `npm run emulator` entry (listen, auth, clean
 * SIGTERM exit, no secrets in output), and small render helpers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULTS, optionsFromEnv, resolveOptions } from '../../src/emulator/config';
import { assignKey } from '../../src/emulator/multipart';
import { Semaphore, wrapText } from '../../src/emulator/render';
import { generateWebhookSecret } from '../../src/emulator';

const root = path.resolve(__dirname, '../..');

describe('optionsFromEnv', () => {
  it('applies the documented defaults', () => {
    const r = resolveOptions(optionsFromEnv({}));
    expect(r).toMatchObject({
      host: '127.0.0.1',
      port: 4010,
      dataDir: path.resolve('./data/emulator'),
      apiKey: null,
      assetTtlSeconds: 3600,
      cachedRender: false,
      strictContract: false,
      moderation: { blockAtCreate: ['EMULATOR_BLOCK'], failDuringRender: ['EMULATOR_FAIL_RENDER'] },
      webhook: null,
      rpm: null,
      maxConcurrentRenders: 2,
      maxUploadBytes: DEFAULTS.maxUploadBytes,
      timing: DEFAULTS.timing,
    });
  });

  it('reads every variable', () => {
    const secret = generateWebhookSecret();
    const r = resolveOptions(
      optionsFromEnv({
        EMULATOR_PORT: '0',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_DATA_DIR: '/tmp/x',
        EMULATOR_API_KEY: 'sk-local',
        EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:4000/webhooks/openai',
        EMULATOR_WEBHOOK_SECRET: secret,
        EMULATOR_ASSET_TTL_SECONDS: '60',
        EMULATOR_CACHED_RENDER: 'true',
        EMULATOR_STRICT_CONTRACT: '1',
        EMULATOR_BLOCK_TERMS: 'nope, never',
        EMULATOR_FAIL_TERMS: 'boom',
        EMULATOR_RPM: '100',
        EMULATOR_RENDER_CONCURRENCY: '4',
        EMULATOR_MAX_UPLOAD_BYTES: '1048576',
        EMULATOR_BATCH_WINDOW_MS: '1000',
        EMULATOR_QUEUED_MS: '1',
        EMULATOR_MIN_RENDER_MS: '2',
        EMULATOR_PER_SECOND_MS: '3',
        EMULATOR_POLL_AFTER_MS: '4',
        EMULATOR_WEBHOOK_RETRY_ATTEMPTS: '2',
        EMULATOR_WEBHOOK_RETRY_BASE_MS: '10',
      }),
    );
    expect(r).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      apiKey: 'sk-local',
      webhook: { url: 'http://127.0.0.1:4000/webhooks/openai', secret },
      assetTtlSeconds: 60,
      cachedRender: true,
      strictContract: true,
      moderation: { blockAtCreate: ['nope', 'never'], failDuringRender: ['boom'] },
      rpm: 100,
      maxConcurrentRenders: 4,
      maxUploadBytes: 1048576,
      batchCompletionWindowMs: 1000,
      timing: { queuedMs: 1, minRenderMs: 2, perSecondMs: 3, pollAfterMs: 4 },
      webhookRetry: { attempts: 2, baseDelayMs: 10 },
    });
  });

  it.each([
    [{ EMULATOR_PORT: 'abc' }, 'EMULATOR_PORT'],
    [{ EMULATOR_PORT: '70000' }, 'EMULATOR_PORT'],
    [{ EMULATOR_CACHED_RENDER: 'maybe' }, 'EMULATOR_CACHED_RENDER'],
    [{ EMULATOR_RENDER_CONCURRENCY: '0' }, 'EMULATOR_RENDER_CONCURRENCY'],
    [{ EMULATOR_WEBHOOK_URL: 'http://x/hook' }, 'EMULATOR_WEBHOOK_SECRET'],
    [{ EMULATOR_WEBHOOK_URL: 'http://x/hook', EMULATOR_WEBHOOK_SECRET: 'plain' }, 'EMULATOR_WEBHOOK_SECRET'],
    [{ EMULATOR_WEBHOOK_URL: 'not a url', EMULATOR_WEBHOOK_SECRET: generateWebhookSecret() }, 'EMULATOR_WEBHOOK_URL'],
  ])('rejects %j naming %s', (env, variable) => {
    let err: unknown;
    try {
      optionsFromEnv(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
  });
});

function run(env: Record<string, string>): { done: Promise<{ code: number | null; out: string; err: string }>; child: ReturnType<typeof spawn>; stdout: () => string } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/emulator/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { done, child, stdout: () => out };
}

describe('npm run emulator (src/emulator/main.ts)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-main-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('listens, enforces EMULATOR_API_KEY, never prints secrets, and exits 0 on SIGTERM', async () => {
    const secret = generateWebhookSecret();
    const p = run({
      EMULATOR_PORT: '0',
      EMULATOR_DATA_DIR: dataDir,
      EMULATOR_API_KEY: 'sk-very-secret',
      EMULATOR_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      EMULATOR_WEBHOOK_SECRET: secret,
    });
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no listen line: ${p.stdout()}`)), 20_000);
        p.child.stdout!.on('data', () => {
          const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(p.stdout());
          if (m) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      expect((await fetch(`${origin}/v1/videos`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${origin}/v1/videos`, { headers: { authorization: 'Bearer sk-very-secret' } })).status).toBe(200);
    } finally {
      p.child.kill('SIGTERM');
    }
    const { code, out, err } = await p.done;
    expect(code).toBe(0);
    expect(out + err).not.toContain('sk-very-secret');
    expect(out + err).not.toContain(secret);
  });

  it('exits 1 with a message naming a bad variable', async () => {
    const { code, err } = await run({ EMULATOR_PORT: 'eighty', EMULATOR_DATA_DIR: dataDir }).done;
    expect(code).toBe(1);
    expect(err).toContain("EMULATOR_PORT: expected a non-negative integer, got 'eighty'");
  });
});

describe('multipart bracket keys', () => {
  it('builds nested values the way the SDK encodes them', () => {
    const body: Record<string, unknown> = {};
    assignKey(body, 'prompt', 'p');
    assignKey(body, 'video[id]', 'video_1');
    assignKey(body, 'input_reference[image_url]', 'data:x');
    assignKey(body, 'characters[][id]', 'char_a');
    assignKey(body, 'characters[][id]', 'char_b');
    assignKey(body, 'tags[]', 'x');
    assignKey(body, 'tags[]', 'y');
    expect(body).toEqual({
      prompt: 'p',
      video: { id: 'video_1' },
      input_reference: { image_url: 'data:x' },
      characters: [{ id: 'char_a' }, { id: 'char_b' }],
      tags: ['x', 'y'],
    });
  });

  it('rejects conflicting shapes and prototype keys', () => {
    const body: Record<string, unknown> = { video: 'plain' };
    expect(() => assignKey(body, 'video[id]', 'x')).toThrow(/conflicts/);
    expect(() => assignKey({}, '__proto__[polluted]', 'x')).toThrow(/Unknown parameter/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('render helpers', () => {
  it('wraps, splits long words and caps lines with an ellipsis', () => {
    expect(wrapText('one two three four', 9, 5)).toBe('one two\nthree\nfour');
    expect(wrapText('abcdefghijkl', 5, 5)).toBe('abcde\nfghij\nkl');
    expect(wrapText('a b c d e f', 1, 3)).toBe('a\nb\n…');
    expect(wrapText('\u0000\u0007', 10, 2)).toBe(' ');
  });

  it('Semaphore never runs more than its limit at once', async () => {
    const sem = new Semaphore(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        sem.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});
