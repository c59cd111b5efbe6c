import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** How the receiver answers: a status code, a connection reset, or no answer at all. */
export type Reply = number | 'reset' | 'hang';

/**
 * A real HTTP webhook receiver on loopback. Each path answers from its queue of replies (then
 * 204), records every request, and lets a test await the n-th request of a path.
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly replies = new Map<string, Reply[]>();
  private readonly waiters: { path: string | undefined; count: number; resolve: () => void }[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  /** Starts listening on 127.0.0.1 (`port` 0 picks one). */
  static async start(port = 0): Promise<Receiver> {
    const server = http.createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const receiver = new Receiver(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (req, res) => receiver.handle(req, res));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Queues replies for `path` (used in order; afterwards 204). */
  reply(path: string, ...replies: Reply[]): void {
    this.replies.set(path, [...(this.replies.get(path) ?? []), ...replies]);
  }

  /** Requests received on `path` (or all). */
  at(path?: string): Received[] {
    return this.received.filter((r) => path === undefined || r.path === path);
  }

  /** Resolves once `count` requests arrived on `path` (or in all). */
  async waitFor(count: number, path?: string, timeoutMs = 30_000): Promise<Received[]> {
    if (this.at(path).length < count) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver: ${this.at(path).length} of ${count} requests on ${path ?? '*'} after ${timeoutMs} ms`)), timeoutMs);
        this.waiters.push({ path, count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
    return this.at(path);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      this.received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = this.replies.get(path)?.shift() ?? 204;
      if (reply === 'reset') req.socket.destroy();
      else if (reply !== 'hang') res.writeHead(reply).end();
      for (const waiter of [...this.waiters]) {
        if (this.at(waiter.path).length >= waiter.count) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  }
}
