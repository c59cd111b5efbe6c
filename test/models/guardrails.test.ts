import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReelgraph } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { CreateCharacterDocument, CreateStoryboardDocument, CreateVideoDocument, SubmitBatchDocument } from '../generated/graphql';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { makeClip, uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';

describe('guardrails before any upstream call', () => {
  let server: TestServer;
  let moderationUpstream: StandaloneEmulator;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-policy-'));
    moderationUpstream = await standaloneEmulator();
    server = await startTestServer({ env: { MODERATION_BASE_URL: moderationUpstream.emulator.baseURL, MODERATION_API_KEY: 'sk-moderation' } });
  });
  afterAll(async () => {
    await server?.close();
    await moderationUpstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a request that must be refused, and checks the upstream never saw it. */
  async function refused(run: () => Promise<{ extensions: Record<string, unknown>; message: string }>) {
    const before = server.app.emulator!.record.count();
    const error = await run();
    expect(server.app.emulator!.record.count()).toBe(before);
    return error;
  }

  it.each([
    ['a real person', 'Taylor Swift walks on stage', 'REAL_PERSON', 'real-person-celebrities'],
    ['a public figure', 'Emmanuel Macron gives a speech', 'PUBLIC_FIGURE', 'public-figures'],
    ['a copyrighted character', 'Mickey Mouse waves hello', 'COPYRIGHTED_CHARACTER', 'copyrighted-characters'],
    ['copyrighted music', 'A dance to Bohemian Rhapsody', 'COPYRIGHTED_MUSIC', 'copyrighted-music'],
  ])('refuses %s with CONTENT_POLICY_VIOLATION naming the rule', async (_what, prompt, category, policy) => {
    const error = await refused(() => server.gql.error(CreateVideoDocument, { input: { prompt, size: '1280x720' } }));
    expect(error.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', field: 'input.prompt', category, policy });
    expect(error.message).toMatch(/the video service refuses this content\. Remove it and try again\./);
  });

  it('applies the same policy to storyboard scenes, batch items and character names', async () => {
    const scene = await refused(() => server.gql.error(CreateStoryboardDocument, { input: { scenes: [{ prompt: 'fine', seconds: 4 }, { prompt: 'Darth Vader appears', seconds: 4 }] } }));
    expect(scene.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', field: 'input.scenes[1].prompt' });
    const item = await refused(() => server.gql.error(SubmitBatchDocument, { input: { items: [{ customId: 'a', prompt: 'fine' }, { customId: 'b', prompt: 'Pikachu runs' }] } }));
    expect(item.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', field: 'input.items[1].prompt', index: 1, customId: 'b' });
    const clip = await uploadFile(server.app.origin, await makeClip(640, 360, 2), 'c.mp4');
    const name = await refused(() => server.gql.error(CreateCharacterDocument, { input: { name: 'Spider-Man', uploadId: clip.body.id } }));
    expect(name.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', field: 'input.name' });
  });

  it('each catalog guardrail refuses with a typed error and the upstream sees nothing', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ prompt: 'x'.repeat(32_001) }, 'BAD_USER_INPUT', 'input.prompt'],
      [{ prompt: 'ok', size: '640x480' }, 'BAD_USER_INPUT', 'input.size'],
      [{ prompt: 'ok', size: '1280x720', seconds: 5 }, 'BAD_USER_INPUT', 'input.seconds'],
      [{ prompt: 'ok', model: 'sora-3' }, 'BAD_USER_INPUT', 'input.model'],
      [{ prompt: 'ok', size: '1280x720', characterIds: ['a', 'b', 'c'] }, 'BAD_USER_INPUT', 'input.characterIds'],
    ];
    for (const [input, code, field] of cases) {
      const error = await refused(() => server.gql.error(CreateVideoDocument, { input: input as never }));
      expect([field, error.extensions.code, error.extensions.field]).toEqual([field, code, field]);
    }
  });

  it('screens prompts with the configured moderation endpoint', async () => {
    const error = await refused(() => server.gql.error(CreateVideoDocument, { input: { prompt: 'A scene with EMULATOR_MODERATION_FLAG in it', size: '1280x720' } }));
    expect(error.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', field: 'input.prompt', categories: ['violence'] });
    expect(error.message).toBe('The moderation service flagged input.prompt (violence); nothing was submitted.');
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A calm harbour at dawn', size: '1280x720' } });
    expect(createVideo.video.status).toBe('QUEUED');
  });

  it('fails closed when the moderation endpoint is unreachable', async () => {
    moderationUpstream.emulator.faults.set({ serverError: { remaining: 100, match: 'POST /moderations$' } });
    try {
      const error = await refused(() => server.gql.error(CreateVideoDocument, { input: { prompt: 'Anything at all', size: '1280x720' } }));
      expect(error.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(error.message).toMatch(/could not screen the request, so nothing was submitted/);
    } finally {
      moderationUpstream.emulator.faults.clear();
    }
  });

  it('an operator policy file replaces the starter list; an invalid one stops start-up with every problem', async () => {
    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ rules: [{ id: 'house-mascot', category: 'COPYRIGHTED_CHARACTER', pattern: '\\bcaptain crunchy\\b', message: 'names a rival brand mascot' }] }));
    const other = await startTestServer({ env: { POLICY_FILE: path.join(dir, 'policy.json') } });
    try {
      const mascot = await other.gql.error(CreateVideoDocument, { input: { prompt: 'Captain Crunchy at sea', size: '1280x720' } });
      expect(mascot.extensions).toMatchObject({ code: 'CONTENT_POLICY_VIOLATION', policy: 'house-mascot' });
      expect(mascot.message).toMatch(/names a rival brand mascot \('Captain Crunchy'\)/);
      // The starter rules are gone with the replacement.
      expect((await other.gql.data(CreateVideoDocument, { input: { prompt: 'Mickey Mouse waves', size: '1280x720' } })).createVideo.video.status).toBe('QUEUED');
    } finally {
      await other.close();
    }
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ rules: [{ id: 'x', category: 'NOPE', pattern: '(' }] }));
    const data = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-badpolicy-'));
    const start = startReelgraph(loadConfig({ PORT: '0', DATA_DIR: data, LOG_LEVEL: 'silent', POLICY_FILE: path.join(dir, 'bad.json') }));
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toMatchObject({
      problems: [expect.stringContaining('rules[0].category'), expect.stringContaining('rules[0].pattern: not a valid regular expression')],
    });
    rmSync(data, { recursive: true, force: true });
  });
});
