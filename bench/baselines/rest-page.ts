/**
 * Baseline of figure 2: a hand-written REST endpoint doing the same database work as
 * `videos(first: N) { source characters extensions }`: one query for the page, one each for the
 * sources, the characters (through video_character) and the extensions, so four queries whatever
 * N is. The JSON it returns has the GraphQL response's shape and ids.
 * Prints `LISTENING <port>` when it accepts connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Pool } from 'pg';

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const tenantId = process.env.TENANT_ID ?? '';
  const app = express();
  app.disable('x-powered-by');
  app.get('/videos', async (req, res) => {
    const first = Math.min(100, Math.max(1, Number(req.query.first ?? 20)));
    const page = await pool.query(
      'select id, status, progress, prompt, model, size, seconds, source_id, created_at from video where tenant_id = $1 order by id desc limit $2',
      [tenantId, first + 1],
    );
    const rows = page.rows.slice(0, first);
    const ids = rows.map((r) => r.id as string);
    const sourceIds = [...new Set(rows.map((r) => r.source_id as string | null).filter((s): s is string => Boolean(s)))];
    const [sources, characters, extensions] = await Promise.all([
      pool.query('select id, status, prompt from video where id = any($1) and tenant_id = $2', [sourceIds, tenantId]),
      pool.query(
        'select vc.video_id, c.id, c.name from video_character vc join character c on c.id = vc.character_id where vc.video_id = any($1) and vc.tenant_id = $2 order by vc.position',
        [ids, tenantId],
      ),
      pool.query('select id, index, seconds, total_seconds, source_id from extension where source_id = any($1) and tenant_id = $2 order by id', [ids, tenantId]),
    ]);
    const sourceById = new Map(sources.rows.map((s) => [s.id as string, { id: globalId('Video', s.id), status: s.status, prompt: s.prompt }]));
    const group = <T>(list: { key: string; value: T }[]) => {
      const map = new Map<string, T[]>();
      for (const { key, value } of list) map.set(key, [...(map.get(key) ?? []), value]);
      return map;
    };
    const charactersByVideo = group(characters.rows.map((c) => ({ key: c.video_id as string, value: { id: globalId('Character', c.id), name: c.name } })));
    const extensionsBySource = group(
      extensions.rows.map((e) => ({ key: e.source_id as string, value: { id: globalId('Extension', e.id), index: e.index, seconds: e.seconds, totalSeconds: e.total_seconds } })),
    );
    const nodes = rows.map((r) => ({
      id: globalId('Video', r.id),
      prompt: r.prompt,
      status: r.status,
      progress: r.progress,
      model: r.model,
      size: r.size,
      seconds: r.seconds,
      createdAt: (r.created_at as Date).toISOString(),
      source: r.source_id ? (sourceById.get(r.source_id) ?? null) : null,
      characters: charactersByVideo.get(r.id) ?? [],
      extensions: extensionsBySource.get(r.id) ?? [],
    }));
    const last = rows[rows.length - 1];
    res.json({ data: { videos: { nodes, pageInfo: { hasNextPage: page.rows.length > first, endCursor: last ? Buffer.from(`cursor:${last.id}`).toString('base64url') : null } } } });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`);
  const stop = async () => {
    server.close();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
