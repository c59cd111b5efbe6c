import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateVideoDocument, CreateWebhookEndpointDocument } from '../generated/graphql';
import { createScratchPostgres, databaseKinds, type ScratchDatabase } from '../support/databases';
import { freePort } from '../support/process';
import { startTestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { FAST_WEBHOOKS_ENV, verified, waitForDelivery } from './helpers';
import { Receiver } from './receiver';

/** A delivery whose receiver was down is still owed after Reelgraph restarts, and is delivered once. */
describe.each(databaseKinds())('outbound webhooks across a restart (%s)', (db) => {
  let dataDir: string;
  let database: ScratchDatabase | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-webhook-restart-'));
    database = db === 'postgresql' ? await createScratchPostgres() : undefined;
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing between attempts: the next process delivers what the previous one could not', async () => {
    // Slow retries, so the delivery is waiting (not mid-attempt) when the first process stops.
    const env = { ...FAST_WEBHOOKS_ENV, OUTBOUND_WEBHOOKS_RETRY_SCHEDULE: '1s,1s,1s,1s,1s,1s' };
    const port = await freePort();
    const first = await startTestServer({ db, dataDir, database, env });
    let secret: string;
    let endpointId: string;
    let videoId: string;
    try {
      const created = await first.gql.data(CreateWebhookEndpointDocument, { input: { url: `http://127.0.0.1:${port}/after-restart`, events: ['VIDEO_COMPLETED'], description: '' } });
      secret = created.createWebhookEndpoint.secret;
      endpointId = created.createWebhookEndpoint.endpoint.id;
      const { createVideo } = await first.gql.data(CreateVideoDocument, { input: { prompt: `restart ${db}`, size: '1280x720' } });
      videoId = createVideo.video.id;
      await waitForVideo(first.gql, videoId);
      const pending = await waitForDelivery(first.gql, endpointId, (d) => d.attempts >= 1, 'a refused first attempt');
      expect(pending).toMatchObject({ status: 'PENDING', lastResponseCode: null });
    } finally {
      await first.close({ keepData: true });
    }

    const receiver = await Receiver.start(port);
    const second = await startTestServer({ db, dataDir, database, env });
    try {
      const [got] = await receiver.waitFor(1, '/after-restart');
      expect(verified(secret, got).data.object).toMatchObject({ id: videoId, status: 'COMPLETED' });
      const delivered = await waitForDelivery(second.gql, endpointId, (d) => d.status === 'DELIVERED', 'delivered after restart');
      expect(delivered.attempts).toBeGreaterThanOrEqual(2);
      expect(receiver.at('/after-restart')).toHaveLength(1);
    } finally {
      await second.close({ keepData: true });
      await receiver.close();
    }
  });
});
