import { forkForWorkers } from '../../src/db/tenant-scoped';
import { ulid } from '../../src/ids';
import { inCanary } from '../../src/modules/models/model-router';
import {
  CreateVideoDocument,
  GetModelDocument,
  ModelPinHistoryDocument,
  PinModelDocument,
  RollbackModelPinDocument,
  StartModelCanaryDocument,
  StopModelCanaryDocument,
  VideoCostDocument,
} from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';

describe.each(databaseKinds())('model pins, rollback and canary (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  const lastUpstreamModel = () => server.app.emulator!.record.entries().at(-1)?.model;
  const create = async (prompt: string, model = 'sora-2') => (await server.gql.data(CreateVideoDocument, { input: { prompt, model, size: '1280x720' } })).createVideo.video;

  it('records the alias asked for and the snapshot it resolved to; a pin affects only new jobs; rollback restores the previous pin', async () => {
    const before = await create('Before the pin');
    expect(before).toMatchObject({ model: 'sora-2', resolvedModel: 'sora-2-2025-12-08' });
    expect(lastUpstreamModel()).toBe('sora-2-2025-12-08');

    const { pinModel } = await server.gql.data(PinModelDocument, { input: { model: 'sora-2', snapshot: 'sora-2-2025-10-06', reason: 'Production stays on the launch snapshot' } });
    expect(pinModel.model).toEqual({ snapshot: 'sora-2-2025-10-06', pinSource: 'ADMIN' });
    expect(pinModel.change).toMatchObject({ model: 'sora-2', action: 'PIN', from: 'sora-2-2025-12-08', to: 'sora-2-2025-10-06', actor: 'local', reason: 'Production stays on the launch snapshot' });

    const after = await create('After the pin');
    expect(after.resolvedModel).toBe('sora-2-2025-10-06');
    expect(lastUpstreamModel()).toBe('sora-2-2025-10-06');
    // The earlier job keeps what it was accepted with.
    expect((await server.gql.data(VideoCostDocument, { id: before.id })).video?.resolvedModel).toBe('sora-2-2025-12-08');

    const { rollbackModelPin } = await server.gql.data(RollbackModelPinDocument, { input: { model: 'sora-2', reason: 'Launch snapshot drifts colours' } });
    expect(rollbackModelPin.change).toMatchObject({ action: 'ROLLBACK', from: 'sora-2-2025-10-06', to: 'sora-2-2025-12-08' });
    expect((await create('After the rollback')).resolvedModel).toBe('sora-2-2025-12-08');

    const { modelPinHistory } = await server.gql.data(ModelPinHistoryDocument, { model: 'sora-2', first: 10 });
    expect(modelPinHistory.nodes.map((c) => [c.action, c.from, c.to, c.actor])).toEqual([
      ['ROLLBACK', 'sora-2-2025-10-06', 'sora-2-2025-12-08', 'local'],
      ['PIN', 'sora-2-2025-12-08', 'sora-2-2025-10-06', 'local'],
    ]);
    expect(modelPinHistory.nodes.every((c) => c.at && c.reason)).toBe(true);
  });

  it('refuses bad pins with typed errors', async () => {
    const snapshot = await server.gql.error(PinModelDocument, { input: { model: 'sora-2', snapshot: 'sora-2-pro-2025-10-06', reason: 'x' } });
    expect(snapshot.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.snapshot', allowed: ['sora-2-2025-10-06', 'sora-2-2025-12-08'] });
    const alias = await server.gql.error(PinModelDocument, { input: { model: 'sora-2-2025-10-06', snapshot: 'sora-2-2025-10-06', reason: 'x' } });
    expect(alias.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.model' });
    const percent = await server.gql.error(StartModelCanaryDocument, { input: { model: 'sora-2', snapshot: 'sora-2-2025-10-06', percent: 150, reason: 'x' } });
    expect(percent.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.percent' });
    const nothing = await server.gql.error(StopModelCanaryDocument, { input: { model: 'sora-2-pro', reason: 'x' } });
    expect(nothing.extensions.code).toBe('CONFLICT');
  });

  it('a 10% canary routes 10% ± 2% of 2,000 resolutions, deterministically per job, and only to new jobs', async () => {
    const { startModelCanary } = await server.gql.data(StartModelCanaryDocument, { input: { model: 'sora-2', snapshot: 'sora-2-2025-10-06', percent: 10, reason: 'Try the launch snapshot on a tenth' } });
    expect(startModelCanary.model.canary).toEqual({ snapshot: 'sora-2-2025-10-06', percent: 10 });
    const router = server.app.internals.services.router;
    const states = await router.pins.states(forkForWorkers(server.app.db.orm));
    const ids = Array.from({ length: 2000 }, () => ulid());
    const resolved = ids.map((id) => router.resolveWith(states, [], 'sora-2', id).snapshot);
    const share = resolved.filter((s) => s === 'sora-2-2025-10-06').length / ids.length;
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.12);
    // The same job always resolves the same way.
    expect(ids.map((id) => router.resolveWith(states, [], 'sora-2', id).snapshot)).toEqual(resolved);
    // Through the API, each job lands where its id hashes.
    for (let i = 0; i < 10; i++) {
      const video = await create(`Canary job ${i}`);
      const rowId = Buffer.from(video.id, 'base64url').toString().split(':')[1];
      expect(video.resolvedModel).toBe(inCanary(rowId, 10) ? 'sora-2-2025-10-06' : 'sora-2-2025-12-08');
    }
    await server.gql.data(StopModelCanaryDocument, { input: { model: 'sora-2', reason: 'Canary done' } });
    expect((await server.gql.data(GetModelDocument, { id: 'sora-2' })).model?.canary).toBeNull();
  });

  it('deployment pins come from config and show their source', async () => {
    const other = await startTestServer({ db, env: { MODEL_PINS: 'sora-2=sora-2-2025-10-06' } });
    try {
      expect((await other.gql.data(GetModelDocument, { id: 'sora-2' })).model).toMatchObject({ snapshot: 'sora-2-2025-10-06', pinSource: 'CONFIG' });
      expect((await other.gql.data(CreateVideoDocument, { input: { prompt: 'Config pinned', size: '1280x720' } })).createVideo.video.resolvedModel).toBe('sora-2-2025-10-06');
    } finally {
      await other.close();
    }
  });
});
