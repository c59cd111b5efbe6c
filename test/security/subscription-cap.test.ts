import { print } from 'graphql';
import { CreateVideoDocument, VideosUpdatedDocument } from '../generated/graphql';
import { databaseKinds } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { acknowledgedSocket } from '../support/ws';

const CAP = 5;
const BURST = 30;

describe.each(databaseKinds())('the per-connection subscription cap under pipelining (%s)', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    // Rate limits on (generously), so each subscribe awaits the limiter as in production.
    server = await startTestServer({ db, env: { MAX_SUBSCRIPTIONS_PER_CONNECTION: String(CAP), RATE_LIMIT_PER_MINUTE: '60000', RATE_LIMIT_BURST: '10000' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it(`${BURST} subscribes sent in one burst: exactly ${CAP} are live, the rest refused; a completed one frees its slot`, async () => {
    const socket = await acknowledgedSocket(server.wsUrl);
    try {
      const query = print(VideosUpdatedDocument);
      // One synchronous loop: the frames leave together and reach the server's hook back to back.
      for (let i = 0; i < BURST; i++) socket.send({ id: `s${i}`, type: 'subscribe', payload: { query, variables: {} } });
      const refused = await Promise.all(
        Array.from({ length: BURST - CAP }, (_, n) => socket.waitFor((m) => m.type === 'error' && socket.messages.filter((e) => e.type === 'error').indexOf(m) === n, `refusal #${n + 1}`)),
      );
      for (const message of refused) expect((message.payload as { extensions: { code: string } }[])[0].extensions.code).toBe('RATE_LIMITED');
      expect(socket.isClosed()).toBe(false);

      // The accepted ones are live: a new video reaches each of them, and no more than the cap.
      const refusedIds = new Set(refused.map((m) => m.id));
      const accepted = Array.from({ length: BURST }, (_, i) => `s${i}`).filter((id) => !refusedIds.has(id));
      expect(accepted).toHaveLength(CAP);
      await server.gql.data(CreateVideoDocument, { input: { prompt: 'A cap of five', size: '1280x720' } });
      await Promise.all(accepted.map((id) => socket.waitFor((m) => m.id === id && m.type === 'next', `an event on ${id}`)));
      expect(socket.messages.filter((m) => m.type === 'error')).toHaveLength(BURST - CAP);

      // Completing one gives its slot back; the next subscribe is accepted, the one after refused again.
      socket.send({ id: accepted[0], type: 'complete' });
      socket.send({ id: 'again', type: 'subscribe', payload: { query, variables: {} } });
      socket.send({ id: 'over', type: 'subscribe', payload: { query, variables: {} } });
      const over = await socket.waitFor((m) => m.id === 'over', 'the answer to one subscribe over the cap');
      expect(over.type).toBe('error');
      await server.gql.data(CreateVideoDocument, { input: { prompt: 'A freed slot', size: '1280x720' } });
      await socket.waitFor((m) => m.id === 'again' && m.type === 'next', 'an event on the re-used slot');
      expect(socket.messages.some((m) => m.id === 'again' && m.type === 'error')).toBe(false);
    } finally {
      socket.socket.close();
    }
  });
});
