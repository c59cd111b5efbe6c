/**
 * Baseline of figures 3 and 4: a raw `ws` server. Clients connect to `/ws?c=<channel>`;
 * `POST /broadcast?c=<channel>` sends the request body, byte for byte, to every client of the
 * channel (all clients without `c`) and answers with how many it reached. No protocol, no
 * database, no GraphQL: the floor for pushing a payload from an HTTP trigger to sockets.
 * Prints `LISTENING <port>` when it accepts connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const channels = new Map<string, Set<WebSocket>>();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'POST' || url.pathname !== '/broadcast') {
    res.writeHead(url.pathname === '/healthz' ? 200 : 404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const payload = Buffer.concat(chunks).toString('utf8');
    const channel = url.searchParams.get('c');
    const targets = channel === null ? [...channels.values()].flatMap((set) => [...set]) : [...(channels.get(channel) ?? [])];
    for (const ws of targets) if (ws.readyState === WebSocket.OPEN) ws.send(payload);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent: targets.length }));
  });
});

const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws, req) => {
  const channel = new URL(req.url ?? '/', 'http://localhost').searchParams.get('c') ?? '';
  const set = channels.get(channel) ?? new Set<WebSocket>();
  channels.set(channel, set);
  set.add(ws);
  ws.on('close', () => set.delete(ws));
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`LISTENING ${(server.address() as AddressInfo).port}`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
