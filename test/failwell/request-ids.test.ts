import { parse } from 'graphql';
import { createLogger } from '../../src/logger';
import { databaseKinds, type DbKind } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';
import { subscribe, wsClient } from '../support/ws';

type Line = Record<string, unknown> & { level: number; msg: string };

const STORYBOARDS = 'query Boards { storyboards { edges { node { id } } } }';

describe.each(databaseKinds())('request ids on error lines (%s)', (db: DbKind) => {
  let server: TestServer;
  const raw: string[] = [];
  const lines = () => raw.map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    server = await startTestServer({ db, logger: createLogger('trace', { write: (line: string) => void raw.push(line) }) });
    // A real fault, not a client mistake: the table a resolver reads disappears under the server.
    await server.app.db.orm.em.getConnection().execute('alter table storyboard rename to storyboard_gone');
  });

  afterAll(async () => {
    await server?.app.db.orm.em.getConnection().execute('alter table storyboard_gone rename to storyboard');
    await server?.close();
  });

  it('an unexpected error over HTTP is logged with the request id the client was given', async () => {
    const res = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-req-1' },
      body: JSON.stringify({ query: STORYBOARDS }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(res.headers.get('x-request-id')).toBe('client-req-1');
    expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');

    const errors = lines().filter((l) => l.level >= 50 && l.msg === 'unexpected error while resolving');
    expect(errors).toEqual([expect.objectContaining({ reqId: 'client-req-1' })]);
    expect(lines().filter((l) => l.access && l.reqId === 'client-req-1')).toEqual([
      expect.objectContaining({ method: 'POST', path: '/graphql', status: 200, operationName: 'Boards', tenantId: server.app.localTenant.id }),
    ]);
    // Still serving.
    expect((await server.gql.request<{ __typename: string }, Record<string, never>>('{ __typename }')).data?.__typename).toBe('Query');
  });

  it('an unexpected error in a WebSocket operation is logged with its ws- request id', async () => {
    const before = raw.length;
    const client = wsClient(server.wsUrl);
    try {
      const op = subscribe(client, parse(STORYBOARDS), {});
      await op.done;
      expect(op.errors[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await client.dispose();
    }
    const errors = lines().slice(before).filter((l) => l.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ msg: 'unexpected error while resolving', reqId: expect.stringMatching(/^ws-/) })]);
  });
});
