import { CreateVideoDocument, EstimateVideoCostDocument, ExtendVideoDocument, GetBudgetDocument, SetBudgetDocument, SpendDocument, SubmitBatchDocument, VideoCostDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { eventually } from '../support/wait';
import { waitForVideo } from '../support/videos';

describe.each(databaseKinds())('cost and budgets (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db, env: { EMULATOR_CACHED_RENDER: 'true' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('estimates before submitting, with the same validation, and submits nothing', async () => {
    const before = server.app.emulator!.record.count();
    const estimate = async (input: Record<string, unknown>) => (await server.gql.data(EstimateVideoCostDocument, { input: { prompt: 'x', ...input } as never })).estimateVideoCost;
    expect(await estimate({ model: 'sora-2', size: '1280x720', seconds: 8 })).toEqual({ model: 'sora-2', resolvedModel: 'sora-2-2025-12-08', size: '1280x720', seconds: 8, pricePerSecond: 0.1, estimatedCost: 0.8, currency: 'USD' });
    expect(await estimate({ model: 'sora-2-pro', size: '1792x1024', seconds: 4 })).toMatchObject({ pricePerSecond: 0.5, estimatedCost: 2 });
    expect(await estimate({ model: 'sora-2-pro', size: '1920x1080', seconds: 4 })).toMatchObject({ pricePerSecond: null, estimatedCost: null });
    const bad = await server.gql.error(EstimateVideoCostDocument, { input: { prompt: 'x', size: '640x480' } });
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.size' });
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('Video.cost is the price of what was rendered: an extension pays for its new segment; failures cost nothing; spend adds it up', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'Cost root', size: '1280x720', seconds: 8 } });
    const root = await waitForVideo(server.gql, createVideo.video.id);
    expect((await server.gql.data(VideoCostDocument, { id: root.id })).video).toMatchObject({ estimatedCost: 0.8, cost: 0.8 });
    const { extendVideo } = await server.gql.data(ExtendVideoDocument, { input: { videoId: root.id, prompt: 'More', seconds: 4 } });
    await waitForVideo(server.gql, extendVideo.extension.video.id);
    expect((await server.gql.data(VideoCostDocument, { id: extendVideo.extension.video.id })).video).toMatchObject({ seconds: 12, estimatedCost: 0.4, cost: 0.4 });
    const { createVideo: failing } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'EMULATOR_FAIL_RENDER cost', size: '1280x720', seconds: 4 } });
    await waitForVideo(server.gql, failing.video.id, 'FAILED');
    expect((await server.gql.data(VideoCostDocument, { id: failing.video.id })).video).toMatchObject({ estimatedCost: 0.4, cost: 0 });

    const { spend } = await server.gql.data(SpendDocument, { from });
    expect(spend).toMatchObject({ total: 1.2, videos: 2, seconds: 20, currency: 'USD', byModel: [{ model: 'sora-2-2025-12-08', videos: 2, seconds: 20, cost: 1.2 }] });
  });

  it('20 concurrent submits against a budget that fits 10 accept exactly 10; failures give their share back', async () => {
    const { setBudget } = await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: 100 } });
    // Start from what this tenant already committed this month, plus room for exactly ten $0.40 jobs.
    const limit = Math.round((setBudget.budget!.committed + 4) * 100) / 100;
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: limit } });
    const before = server.app.emulator!.record.count('create');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => server.gql.request(CreateVideoDocument, { input: { prompt: `Budgeted ${i} (${db})`, size: '1280x720', seconds: 4 } })),
    );
    const accepted = results.filter((r) => r.data?.createVideo);
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'BUDGET_EXCEEDED');
    expect([accepted.length, refused.length]).toEqual([10, 10]);
    expect(server.app.emulator!.record.count('create')).toBe(before + 10);
    expect(refused[0].errors?.[0].message).toMatch(/needs an estimated \$0\.40 but only \$0\.00 of this month's \$\d+\.\d\d budget remains/);
    expect((await server.gql.data(GetBudgetDocument)).budget).toMatchObject({ monthlyLimit: limit, remaining: 0 });

    // A job that fails is not billed, so its reservation returns to the budget.
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: Math.round((limit + 0.4) * 100) / 100 } });
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: `EMULATOR_FAIL_RENDER budget (${db})`, size: '1280x720', seconds: 4 } });
    expect((await server.gql.data(GetBudgetDocument)).budget?.remaining).toBe(0);
    await waitForVideo(server.gql, createVideo.video.id, 'FAILED');
    await eventually(async () => (await server.gql.data(GetBudgetDocument)).budget?.remaining === 0.4);

    // A batch reserves all of its cost at once: it fits, or nothing is stored.
    const tooBig = await server.gql.error(SubmitBatchDocument, { input: { items: [1, 2].map((i) => ({ customId: `b${i}`, prompt: `Batch ${i}`, size: '1280x720', seconds: 4 })) } });
    expect(tooBig.extensions).toMatchObject({ code: 'BUDGET_EXCEEDED', field: 'input.items', estimatedCost: 0.8, remaining: 0.4 });
    await server.gql.data(SetBudgetDocument, { input: { monthlyLimit: null } });
    expect((await server.gql.data(GetBudgetDocument)).budget).toBeNull();
  });
});
