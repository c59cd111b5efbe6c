/**
 * Baseline of figure 1: a bare Apollo Server with the same HTTP integration as Reelgraph
 * (express 5 + @as-integrations/express5 + express.json) and a plain graphql-js schema of the
 * same shape. `video(id)` does the same primary-key read as Reelgraph's loader, with `pg`
 * directly; without DATABASE_URL it answers from memory (cold-start measurement).
 * Prints `LISTENING <port>` when it accepts connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { buildSchema } from 'graphql';
import { Pool } from 'pg';

const schema = buildSchema(`
  type Video { id: ID! status: String! progress: Int! prompt: String! createdAt: String! }
  type Query { video(id: ID!): Video }
`);

async function main(): Promise<void> {
  const pool = process.env.DATABASE_URL ? new Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : undefined;
  const tenantId = process.env.TENANT_ID ?? '';
  const rootValue = {
    video: async ({ id }: { id: string }) => {
      const decoded = Buffer.from(id, 'base64url').toString('utf8');
      const rowId = decoded.slice(decoded.indexOf(':') + 1);
      if (!pool) return { id, status: 'COMPLETED', progress: 100, prompt: 'static', createdAt: new Date(0).toISOString() };
      const { rows } = await pool.query('select id, status, progress, prompt, created_at from video where id = $1 and tenant_id = $2', [rowId, tenantId]);
      const row = rows[0];
      return row ? { id, status: row.status, progress: row.progress, prompt: row.prompt, createdAt: (row.created_at as Date).toISOString() } : null;
    },
  };
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer({ schema, rootValue });
  await apollo.start();
  app.get('/healthz', (_req, res) => void res.status(200).json({ ok: true }));
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo));
  await new Promise<void>((resolve) => httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  console.log(`LISTENING ${(httpServer.address() as AddressInfo).port}`);
  const stop = async () => {
    await apollo.stop();
    httpServer.close();
    await pool?.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
