import { CreateCharacterDocument, CreateVideoWithAssetsDocument, GetCharacterDocument, GetVideoDocument, GetVideoLineageDocument, ListCharactersDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { makeClip, makeImage, probeBytes, uploadFile } from '../support/media';
import { startTestServer, type TestServer } from '../support/server';
import { waitForVideo } from '../support/videos';

describe.each(databaseKinds())('characters and reference images (%s)', (db) => {
  let server: TestServer;
  let clipId: string;
  beforeAll(async () => {
    server = await startTestServer({ db });
    clipId = (await uploadFile(server.app.origin, await makeClip(1280, 720, 3, 'Mossy'), 'mossy.mp4')).body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function character(name: string): Promise<string> {
    const upload = await uploadFile(server.app.origin, await makeClip(1280, 720, 2, name), `${name}.mp4`);
    const { createCharacter } = await server.gql.data(CreateCharacterDocument, { input: { name, uploadId: upload.body.id } });
    return createCharacter.character.id;
  }

  it('registers a character upstream from an MP4 upload, with a thumbnail', async () => {
    const before = server.app.emulator!.record.count('character');
    const { createCharacter } = await server.gql.data(CreateCharacterDocument, { input: { name: 'Mossy', uploadId: clipId } });
    expect(createCharacter.character.name).toBe('Mossy');
    expect(server.app.emulator!.record.count('character')).toBe(before + 1);
    const thumb = await fetch(createCharacter.character.thumbnailUrl!);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const { characters } = await server.gql.data(ListCharactersDocument, { first: 10 });
    expect(characters.nodes.map((c) => c.id)).toContain(createCharacter.character.id);
  });

  it('refuses an image where a clip is needed, and names the field', async () => {
    const image = await uploadFile(server.app.origin, await makeImage(1280, 720), 'still.png');
    const error = await server.gql.error(CreateCharacterDocument, { input: { name: 'Still', uploadId: image.body.id } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.uploadId' });
  });

  it('puts two characters in a video (end to end), warns when the prompt does not name one, and refuses a third', async () => {
    const [teapot, fox, owl] = [await character('Teapot'), await character('Fox'), await character('Owl')];
    const result = await server.gql.request(CreateVideoWithAssetsDocument, {
      input: { prompt: 'Teapot pours tea for a sleepy forest animal', size: '1280x720', characterIds: [teapot, fox] },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createVideo.video.characters.map((c) => c.name)).toEqual(['Teapot', 'Fox']);
    expect(result.extensions?.warnings).toEqual([
      expect.objectContaining({ code: 'CHARACTER_NOT_IN_PROMPT', field: 'input.characterIds[1]', message: expect.stringContaining("'Fox'") }),
    ]);
    const video = await waitForVideo(server.gql, result.data!.createVideo.video.id);
    expect((await probeBytes(Buffer.from(await (await fetch(video.downloadUrl!)).arrayBuffer()))).duration).toBeCloseTo(4, 0);
    const { character: featured } = await server.gql.data(GetCharacterDocument, { id: teapot, first: 10 });
    expect(featured?.videos.nodes.map((v) => v.id)).toContain(video.id);

    const before = server.app.emulator!.record.count();
    const third = await server.gql.error(CreateVideoWithAssetsDocument, { input: { prompt: 'Teapot, Fox and Owl', size: '1280x720', characterIds: [teapot, fox, owl] } });
    expect(third.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.characterIds' });
    expect(third.message).toMatch(/at most 2 characters/);
    expect(server.app.emulator!.record.count()).toBe(before);
  });

  it('uses a reference image of exactly the requested size; refuses another size naming expected and actual', async () => {
    const wrong = await uploadFile(server.app.origin, await makeImage(1024, 1024), 'square.png');
    const before = server.app.emulator!.record.count();
    const error = await server.gql.error(CreateVideoWithAssetsDocument, { input: { prompt: 'From a still', size: '1280x720', inputReferenceUploadId: wrong.body.id } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputReferenceUploadId', expected: '1280x720', actual: '1024x1024' });
    expect(error.message).toMatch(/reference image is 1024x1024 but the video size is 1280x720/);
    expect(server.app.emulator!.record.count()).toBe(before);

    const right = await uploadFile(server.app.origin, await makeImage(1280, 720), 'frame.png');
    const { createVideo } = await server.gql.data(CreateVideoWithAssetsDocument, { input: { prompt: 'From a still', size: '1280x720', inputReferenceUploadId: right.body.id } });
    await waitForVideo(server.gql, createVideo.video.id);
  });

  it('unknown or foreign ids are NOT_FOUND', async () => {
    const unknownCharacter = Buffer.from('Character:01M7Y8KY87NVJAGFC91GGCKHM2').toString('base64url');
    const error = await server.gql.error(CreateVideoWithAssetsDocument, { input: { prompt: 'x', size: '1280x720', characterIds: [unknownCharacter] } });
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.characterIds[0]' });
    const unknownUpload = Buffer.from('Upload:01M7Y8KY87NVJAGFC91GGCKHM2').toString('base64url');
    const missing = await server.gql.error(CreateCharacterDocument, { input: { name: 'Ghost', uploadId: unknownUpload } });
    expect(missing.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.uploadId' });
    expect((await server.gql.data(GetVideoLineageDocument, { id: unknownCharacter })).video).toBeNull();
    expect((await server.gql.data(GetVideoDocument, { id: unknownUpload })).video).toBeNull();
  });
});
