import { toGlobalId } from '../../src/graphql/relay';
import { ulid } from '../../src/ids';
import { Role } from '../../src/modules/tenants/api-key.entity';
import {
  BatchUpdatedDocument,
  CancelBatchDocument,
  CreateCharacterDocument,
  CreateStoryboardDocument,
  CreateVideoDocument,
  CreateVideoWithAssetsDocument,
  DeleteVideoDocument,
  EditVideoDocument,
  EventsStreamDocument,
  ExtendVideoDocument,
  GetBatchDocument,
  GetCharacterDocument,
  GetNodeDocument,
  GetStoryboardDocument,
  GetVideoDocument,
  ListBatchesDocument,
  ListCharactersDocument,
  ListEventsDocument,
  ListVideosDocument,
  RemixVideoDocument,
  RevokeApiKeyDocument,
  StoryboardUpdatedDocument,
  SubmitBatchDocument,
  VideoUpdatedDocument,
  VideosUpdatedDocument,
  ViewerDocument,
} from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import type { GqlClient } from '../support/graphql-client';
import { makeClip, makeImage, uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';
import { subscribe, wsClient } from '../support/ws';

/** Ids that exist nowhere, per type: another tenant's ids must behave exactly like these. */
const missing = (type: string) => toGlobalId(type, ulid());

describe.each(databaseKinds())('tenant isolation matrix (%s)', (db) => {
  let server: TestServer;
  let alpha: GqlClient;
  let beta: GqlClient;
  let betaKey: string;
  let betaAdminKeyId: string;
  /** Alpha's objects, which beta must never see. */
  const a: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer({ db, env: { EMULATOR_CACHED_RENDER: 'true' } });
    const keys = server.app.internals.apiKeys;
    const alphaKey = (await keys.create('alpha', Role.ADMIN, 'alpha admin')).secret;
    const betaAdmin = await keys.create('beta', Role.ADMIN, 'beta admin');
    betaKey = betaAdmin.secret;
    betaAdminKeyId = toGlobalId('ApiKey', betaAdmin.key.id);
    alpha = server.gql.with({ authorization: `Bearer ${alphaKey}` });
    beta = server.gql.with({ authorization: `Bearer ${betaKey}` });
    a.apiKey = toGlobalId('ApiKey', (await keys.list(server.app.db.orm.em.fork(), undefined)).find((k) => k.name === 'alpha admin')!.id);

    const { createVideo } = await alpha.data(CreateVideoDocument, { input: { prompt: 'Alpha original', size: '1280x720' } });
    a.video = (await waitForVideo(alpha, createVideo.video.id)).id;
    a.videoUrl = (await alpha.data(GetVideoDocument, { id: a.video })).video!.downloadUrl!;
    const { extendVideo } = await alpha.data(ExtendVideoDocument, { input: { videoId: a.video, prompt: 'Alpha continues', seconds: 4 } });
    a.extension = extendVideo.extension.id;
    a.image = (await uploadFile(server.app.origin, await makeImage(1280, 720), 'alpha.png', { authorization: `Bearer ${alphaKey}` })).body.id;
    a.clip = (await uploadFile(server.app.origin, await makeClip(640, 360, 2), 'alpha.mp4', { authorization: `Bearer ${alphaKey}` })).body.id;
    a.jsonl = (await uploadFile(server.app.origin, Buffer.from('{"customId":"x","prompt":"alpha line"}\n'), 'alpha.jsonl', { authorization: `Bearer ${alphaKey}` })).body.id;
    a.character = (await alpha.data(CreateCharacterDocument, { input: { name: 'Alphie', uploadId: a.clip } })).createCharacter.character.id;
    a.storyboard = (await alpha.data(CreateStoryboardDocument, { input: { scenes: [{ prompt: 'Alpha scene', seconds: 4 }], size: '1280x720' } })).createStoryboard.storyboard.id;
    a.batch = (await alpha.data(SubmitBatchDocument, { input: { items: [{ customId: 'a1', prompt: 'Alpha batch item', size: '1280x720' }] } })).submitBatch.batch.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('queries and node(id) answer null for the other tenant\'s ids, exactly as for ids that do not exist', async () => {
    for (const [doc, id, type] of [
      [GetVideoDocument, a.video, 'Video'],
      [GetCharacterDocument, a.character, 'Character'],
      [GetStoryboardDocument, a.storyboard, 'Storyboard'],
      [GetBatchDocument, a.batch, 'Batch'],
    ] as const) {
      const theirs = await beta.request(doc as typeof GetVideoDocument, { id });
      const nobody = await beta.request(doc as typeof GetVideoDocument, { id: missing(type) });
      expect([type, theirs.data, theirs.errors]).toEqual([type, nobody.data, nobody.errors]);
      expect(Object.values(theirs.data ?? {})).toEqual([null]);
    }
    for (const id of [a.video, a.extension, a.character, a.storyboard, a.batch]) {
      expect((await beta.data(GetNodeDocument, { id })).node).toBeNull();
    }
  });

  it('lists and the event log show only the viewer\'s own objects', async () => {
    const mine = await alpha.data(ListVideosDocument, { first: 100 });
    expect(mine.videos.edges.map((e) => e.node.id)).toContain(a.video);
    expect((await beta.data(ListVideosDocument, { first: 100 })).videos.edges).toEqual([]);
    expect((await beta.data(ListCharactersDocument, { first: 100 })).characters.nodes).toEqual([]);
    expect((await beta.data(ListBatchesDocument, { first: 100 })).batches.nodes).toEqual([]);
    expect((await alpha.data(ListEventsDocument, { first: 100 })).events.edges.length).toBeGreaterThan(0);
    expect((await beta.data(ListEventsDocument, { first: 100 })).events.edges).toEqual([]);
    expect((await beta.data(ListEventsDocument, { first: 100, subjectId: a.video })).events.edges).toEqual([]);
  });

  it('every mutation with the other tenant\'s ids is NOT_FOUND, like a missing id, and changes nothing', async () => {
    const before = server.app.emulator!.record.count();
    const attempts: [string, () => Promise<{ extensions: Record<string, unknown> }>, () => Promise<{ extensions: Record<string, unknown> }>][] = [
      ['remix', () => beta.error(RemixVideoDocument, { input: { videoId: a.video, prompt: 'x' } }), () => beta.error(RemixVideoDocument, { input: { videoId: missing('Video'), prompt: 'x' } })],
      ['edit', () => beta.error(EditVideoDocument, { input: { videoId: a.video, prompt: 'x' } }), () => beta.error(EditVideoDocument, { input: { videoId: missing('Video'), prompt: 'x' } })],
      ['extend', () => beta.error(ExtendVideoDocument, { input: { videoId: a.video, prompt: 'x', seconds: 4 } }), () => beta.error(ExtendVideoDocument, { input: { videoId: missing('Video'), prompt: 'x', seconds: 4 } })],
      ['delete', () => beta.error(DeleteVideoDocument, { input: { videoId: a.video } }), () => beta.error(DeleteVideoDocument, { input: { videoId: missing('Video') } })],
      ['character in a video', () => beta.error(CreateVideoWithAssetsDocument, { input: { prompt: 'Alphie', size: '1280x720', characterIds: [a.character] } }), () => beta.error(CreateVideoWithAssetsDocument, { input: { prompt: 'x', size: '1280x720', characterIds: [missing('Character')] } })],
      ['reference upload', () => beta.error(CreateVideoWithAssetsDocument, { input: { prompt: 'x', size: '1280x720', inputReferenceUploadId: a.image } }), () => beta.error(CreateVideoWithAssetsDocument, { input: { prompt: 'x', size: '1280x720', inputReferenceUploadId: missing('Upload') } })],
      ['character clip upload', () => beta.error(CreateCharacterDocument, { input: { name: 'Stolen', uploadId: a.clip } }), () => beta.error(CreateCharacterDocument, { input: { name: 'Stolen', uploadId: missing('Upload') } })],
      ['batch items upload', () => beta.error(SubmitBatchDocument, { input: { itemsUploadId: a.jsonl } }), () => beta.error(SubmitBatchDocument, { input: { itemsUploadId: missing('Upload') } })],
      ['cancel batch', () => beta.error(CancelBatchDocument, { input: { batchId: a.batch } }), () => beta.error(CancelBatchDocument, { input: { batchId: missing('Batch') } })],
      ['revoke key', () => beta.error(RevokeApiKeyDocument, { input: { keyId: a.apiKey } }), () => beta.error(RevokeApiKeyDocument, { input: { keyId: missing('ApiKey') } })],
    ];
    for (const [name, theirs, nobody] of attempts) {
      const [t, n] = [await theirs(), await nobody()];
      expect([name, t.extensions.code, t.extensions.field]).toEqual([name, 'NOT_FOUND', n.extensions.field]);
      expect(n.extensions.code).toBe('NOT_FOUND');
    }
    expect(server.app.emulator!.record.count()).toBe(before);
    // Alpha's objects are intact, and its key still works.
    expect((await alpha.data(GetVideoDocument, { id: a.video })).video?.status).toBe('COMPLETED');
    expect(betaAdminKeyId).not.toBe(a.apiKey);
  });

  it('subscriptions to the other tenant\'s objects are NOT_FOUND, and feeds carry none of its changes', async () => {
    const client = wsClient(server.wsUrl, { authorization: `Bearer ${betaKey}` });
    try {
      for (const [doc, id] of [
        [VideoUpdatedDocument, a.video],
        [StoryboardUpdatedDocument, a.storyboard],
        [BatchUpdatedDocument, a.batch],
      ] as const) {
        const sub = subscribe(client, doc as typeof VideoUpdatedDocument, { id });
        await sub.done;
        expect(sub.errors[0]?.extensions?.code).toBe('NOT_FOUND');
        expect(sub.values).toEqual([]);
      }
      const feed = subscribe(client, VideosUpdatedDocument, {});
      const events = subscribe(client, EventsStreamDocument, {});
      const replay = subscribe(client, EventsStreamDocument, { after: Buffer.from('event:0').toString('base64url') });
      await new Promise((r) => setTimeout(r, 200));
      const { createVideo } = await alpha.data(CreateVideoDocument, { input: { prompt: 'Alpha while beta listens', size: '1280x720' } });
      await waitForVideo(alpha, createVideo.video.id);
      await new Promise((r) => setTimeout(r, 500));
      expect([feed.values, events.values, replay.values]).toEqual([[], [], []]);
      feed.close();
      events.close();
      replay.close();
    } finally {
      await client.dispose();
    }
  });

  it('media URLs are bearer links signed per tenant: forging or stretching one is refused like a missing file', async () => {
    expect((await fetch(a.videoUrl, { headers: { range: 'bytes=0-9' } })).status).toBe(206);
    const [, , , , token, file] = a.videoUrl.split('/');
    const [payload, signature] = token.split('.');
    const grant = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { t: string; k: string; e: number };
    const tamper = (g: object) => `${server.app.origin}/media/${Buffer.from(JSON.stringify(g)).toString('base64url')}.${signature}/${file}`;
    // Beta's tenant id with Alpha's file, and a later expiry: both break the signature.
    const betaTenant = (await server.app.db.orm.em.fork().getConnection().execute<{ id: string }[]>("select id from tenant where slug = 'beta'", [], 'all'))[0].id;
    for (const forged of [tamper({ ...grant, t: betaTenant }), tamper({ ...grant, e: grant.e + 86_400 }), `${server.app.origin}/media/${payload}.AAAA/${file}`]) {
      expect((await fetch(forged)).status).toBe(403);
    }
  });

  it('each key acts only for its own tenant', async () => {
    expect((await beta.data(ViewerDocument)).viewer.tenant.slug).toBe('beta');
    expect((await alpha.data(ViewerDocument)).viewer.tenant.slug).toBe('alpha');
  });
});
