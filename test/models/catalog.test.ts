import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReelgraph } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import defaultCatalog from '../../src/modules/models/default-catalog.json';
import { CreateVideoDocument, ExtendVideoDocument, GetModelDocument, ListModelsDocument, VideoCostDocument } from '../generated/graphql';
import { type StandaloneEmulator, standaloneEmulator } from '../support/emulator';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

/** An operator's catalog: the default one, edited. */
function operatorCatalog(edit: (catalog: typeof defaultCatalog) => void): typeof defaultCatalog {
  const catalog = structuredClone(defaultCatalog);
  edit(catalog);
  return catalog;
}

describe('model catalog as data', () => {
  let dir: string;
  let gatewayB: StandaloneEmulator;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-catalog-'));
    gatewayB = await standaloneEmulator();
    const catalog = operatorCatalog((c) => {
      // A second OpenAI-compatible upstream serves the pro model.
      c.upstreams.push({ name: 'gateway-b', baseUrl: gatewayB.emulator.baseURL, apiKeyEnv: 'GATEWAY_B_KEY' } as never);
      c.models[1].upstream = 'gateway-b';
      // This deployment's upstream only renders landscape for sora-2, and no extensions.
      c.models[0].capabilities.sizes = ['1280x720'];
      c.models[0].capabilities.extensions = false;
      // The older snapshot is on its way out; a retired model is listed with its shutdown date.
      c.models[0].snapshots[0] = { ...c.models[0].snapshots[0], deprecated: '2026-08-13', shutdown: '2099-01-01', replacement: 'sora-2-2025-12-08' } as never;
      c.models.push({
        ...structuredClone(c.models[0]),
        id: 'sora-1',
        displayName: 'Sora 1',
        defaultSnapshot: 'sora-1-2024-12-09',
        snapshots: [{ id: 'sora-1-2024-12-09', released: '2024-12-09' }],
        lifecycle: { released: '2024-12-09', deprecated: '2025-10-06', shutdown: '2026-03-01', replacement: 'sora-2' },
      } as never);
    });
    writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(catalog));
    process.env.GATEWAY_B_KEY = 'sk-gateway-b';
    server = await startTestServer({ env: { MODEL_CATALOG_FILE: path.join(dir, 'catalog.json') } });
  });
  afterAll(async () => {
    await server?.close();
    await gatewayB?.close();
    delete process.env.GATEWAY_B_KEY;
    rmSync(dir, { recursive: true, force: true });
  });

  it('exposes the operator\'s catalog through models and model(id)', async () => {
    const { models } = await server.gql.data(ListModelsDocument);
    expect(models.map((m) => [m.id, m.upstream])).toEqual([
      ['sora-2', 'default'],
      ['sora-2-pro', 'gateway-b'],
      ['sora-1', 'default'],
    ]);
    expect(models[0]).toMatchObject({ snapshot: 'sora-2-2025-12-08', pinSource: 'DEFAULT', capabilities: { sizes: ['1280x720'], extensions: false } });
    expect(models[1].pricing).toContainEqual({ size: '1920x1080', pricePerSecond: null });
    const { model } = await server.gql.data(GetModelDocument, { id: 'sora-2-2025-10-06' });
    expect(model?.id).toBe('sora-2');
    expect(model?.snapshots[0]).toMatchObject({ id: 'sora-2-2025-10-06', deprecated: '2026-08-13', replacement: 'sora-2-2025-12-08' });
  });

  it('validates against the catalog: a size the operator removed is refused, listing what is allowed', async () => {
    const before = server.app.emulator!.record.count();
    const error = await server.gql.error(CreateVideoDocument, { input: { prompt: 'A tall shot', size: '720x1280' } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.size', allowed: ['1280x720'] });
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('a deprecated snapshot works with a warning naming the replacement and shutdown date; a shut-down model is refused', async () => {
    const deprecated = await server.gql.request(CreateVideoDocument, { input: { prompt: 'An old look', model: 'sora-2-2025-10-06', size: '1280x720' } });
    expect(deprecated.errors).toBeUndefined();
    expect(deprecated.data?.createVideo.video).toMatchObject({ model: 'sora-2-2025-10-06', resolvedModel: 'sora-2-2025-10-06' });
    expect(deprecated.extensions?.warnings).toEqual([
      { code: 'MODEL_DEPRECATED', field: 'input.model', message: 'sora-2-2025-10-06 is deprecated since 2026-08-13 and shuts down on 2099-01-01. Move to sora-2-2025-12-08.' },
    ]);

    const before = server.app.emulator!.record.count();
    const retired = await server.gql.error(CreateVideoDocument, { input: { prompt: 'A classic', model: 'sora-1', size: '1280x720' } });
    expect(retired.extensions).toMatchObject({ code: 'MODEL_SHUT_DOWN', field: 'input.model', model: 'sora-1', shutdown: '2026-03-01', replacement: 'sora-2' });
    expect(retired.message).toBe('sora-1 was shut down on 2026-03-01; it no longer accepts jobs. Use sora-2 instead.');
    // Never substituted: nothing reached any upstream.
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('a capability the model lacks is refused before anything is sent', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A short scene', size: '1280x720' } });
    await waitForVideo(server.gql, createVideo.video.id);
    const before = server.app.emulator!.record.count();
    const error = await server.gql.error(ExtendVideoDocument, { input: { videoId: createVideo.video.id, prompt: 'More', seconds: 4 } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.videoId', capability: 'extensions' });
    expect(error.message).toBe('sora-2 does not support extensions; sora-2-pro does.');
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('routes each model to the upstream the catalog names, and records it on the job', async () => {
    const bBefore = gatewayB.emulator.record.count('create');
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A pro shot on gateway B', model: 'sora-2-pro', size: '1792x1024' } });
    const done = await waitForVideo(server.gql, createVideo.video.id);
    expect(gatewayB.emulator.record.count('create')).toBe(bBefore + 1);
    expect(gatewayB.emulator.record.entries().at(-1)).toMatchObject({ prompt: 'A pro shot on gateway B', model: 'sora-2-pro-2025-10-06' });
    const { video } = await server.gql.data(VideoCostDocument, { id: done.id });
    expect(video).toMatchObject({ model: 'sora-2-pro', resolvedModel: 'sora-2-pro-2025-10-06', upstream: 'gateway-b' });
  });

  it('refuses to start on an invalid catalog, listing every problem with its path', async () => {
    const broken = operatorCatalog((c) => {
      c.models[0].defaultSnapshot = 'sora-2-nope';
      c.models[1].upstream = 'nowhere';
      (c.models[1].capabilities as { durations: unknown }).durations = ['four'];
    });
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    const data = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-broken-'));
    const start = startReelgraph(loadConfig({ PORT: '0', DATA_DIR: data, LOG_LEVEL: 'silent', MODEL_CATALOG_FILE: path.join(dir, 'broken.json') }));
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toMatchObject({
      problems: expect.arrayContaining([
        expect.stringContaining("models[0].defaultSnapshot: 'sora-2-nope' is not one of its snapshots"),
        expect.stringContaining("models[1].upstream: 'nowhere' is not one of the upstreams"),
        expect.stringContaining('models[1].capabilities.durations: must list whole seconds'),
      ]),
    });
    rmSync(data, { recursive: true, force: true });
  });
});
