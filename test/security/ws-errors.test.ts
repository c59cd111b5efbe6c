import { print } from 'graphql';
import { CreateVideoDocument, VideoUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { quickQueryMs } from '../support/latency';
import { startTestServer, type TestServer } from '../support/server';
import { acknowledgedSocket, type ProtocolMessage } from '../support/ws';


const VARIABLE_OPERATION = 'subscription Watch($id: ID!) { videoUpdated(id: $id) { id } }';
const tooDeep = `subscription { videoUpdated(id: "x") { ${'source { '.repeat(13)}id${' }'.repeat(13)} } }`;

/** Bad operations a client can send on a socket, and the code each must be refused with. */
const BAD_OPERATIONS: { name: string; payload: Record<string, unknown>; code: string; message?: RegExp; field?: string }[] = [
  { name: 'missing variable', payload: { query: VARIABLE_OPERATION, variables: {} }, code: 'BAD_USER_INPUT', message: /\$id.*not provided/, field: '$id' },
  { name: 'wrongly typed variable', payload: { query: VARIABLE_OPERATION, variables: { id: { not: 'an id' } } }, code: 'BAD_USER_INPUT', message: /\$id/, field: '$id' },
  { name: 'query with a missing variable', payload: { query: 'query Get($id: ID!) { video(id: $id) { id } }', variables: {} }, code: 'BAD_USER_INPUT', message: /\$id/ },
  { name: 'parse error', payload: { query: 'subscription { videoUpdated(id: ' }, code: 'GRAPHQL_PARSE_FAILED', message: /Syntax Error/ },
  { name: 'validation error', payload: { query: 'subscription { videoUpdated(id: "x") { noSuchField } }' }, code: 'GRAPHQL_VALIDATION_FAILED', message: /noSuchField/ },
  { name: 'unknown operationName', payload: { query: VARIABLE_OPERATION, operationName: 'Other', variables: { id: 'x' } }, code: 'BAD_USER_INPUT', message: /Other/, field: 'operationName' },
  { name: 'refused limit (depth)', payload: { query: tooDeep }, code: 'QUERY_TOO_COMPLEX', message: /levels deep/ },
];

describe.each(databaseKinds())('a bad operation over WebSocket fails alone (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('each bad operation gets an error for its id; the socket stays open and its live subscription keeps receiving', async () => {
    const { createVideo } = await server.gql.data(CreateVideoDocument, { input: { prompt: 'A lighthouse in fog', size: '1280x720', seconds: 4 } });
    const socket = await acknowledgedSocket(server.wsUrl);
    try {
      socket.send({ id: 'live', type: 'subscribe', payload: { query: print(VideoUpdatedDocument), variables: { id: createVideo.video.id } } });
      await socket.waitFor((m) => m.id === 'live' && m.type === 'next', 'the live subscription\'s current state');

      for (const [i, bad] of BAD_OPERATIONS.entries()) {
        const id = `bad-${i}`;
        socket.send({ id, type: 'subscribe', payload: bad.payload });
        const answer = await socket.waitFor((m) => m.id === id, `an answer to ${bad.name}`);
        const errors = answer.payload as { message: string; extensions?: { code?: string } }[];
        expect({ name: bad.name, type: answer.type, code: errors[0]?.extensions?.code }).toEqual({ name: bad.name, type: 'error', code: bad.code });
        if (bad.message) expect(errors[0].message).toMatch(bad.message);
        if (bad.field) expect(errors[0].extensions).toMatchObject({ field: bad.field });
        expect(socket.isClosed()).toBe(false);
      }
      // The server stayed responsive, and the socket answers at once.
      expect(await quickQueryMs(server)).toBeLessThan(100);
      socket.send({ type: 'ping' });
      await socket.waitFor((m) => m.type === 'pong', 'pong');

      // The live subscription still receives the video's next changes, to the end.
      const mark = socket.messages.length;
      const after = (m: ProtocolMessage) => socket.messages.indexOf(m) >= mark && m.id === 'live';
      await socket.waitFor((m) => after(m) && m.type === 'next', 'a change after the bad operations');
      await socket.waitFor((m) => after(m) && m.type === 'complete', 'the live subscription to complete');
      const statuses = socket.messages.filter((m) => m.id === 'live' && m.type === 'next').map((m) => (m.payload as { data: { videoUpdated: { status: string } } }).data.videoUpdated.status);
      expect(statuses.at(-1)).toBe('COMPLETED');
      expect(socket.isClosed()).toBe(false);
      // Nothing the bad operations asked for reached the upstream: only the one video was created.
      expect(server.app.emulator!.record.entries().filter((e) => e.kind === 'create')).toHaveLength(1);
    } finally {
      socket.socket.close();
    }
  });
});
