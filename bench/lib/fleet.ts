import { type ChildHandle, spawnNode } from './children';

/** Timestamps (µs, monotonic) at which each watcher first received a message after the trigger. */
export interface Arrivals {
  watchers: number;
  times: (number | null)[];
  /** Watchers that already got a message between `checkFromUs` and the trigger (the change leaked early). */
  early: number;
  /** `STATUS/progress` of the first message after the trigger, counted. */
  statuses: Record<string, number>;
}

/** Parent side of {@link ./fleet-child.ts}: WebSocket clients in their own process, driven over IPC. */
export class Fleet {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly handle: ChildHandle) {
    handle.child.on('message', (msg: { seq: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(msg.seq);
      if (!waiter) return;
      this.pending.delete(msg.seq);
      if (msg.error) waiter.reject(new Error(`fleet: ${msg.error}`));
      else waiter.resolve(msg.result);
    });
    handle.child.once('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`fleet exited with ${code}:\n${handle.output()}`));
      this.pending.clear();
    });
  }

  /** Starts the fleet process. */
  static async start(): Promise<Fleet> {
    const handle = spawnNode('bench/lib/fleet-child.ts', {}, { ipc: true, execArgv: ['--max-old-space-size=4096'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fleet did not start:\n${handle.output()}`)), 30_000);
      handle.child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      handle.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fleet exited with ${code}:\n${handle.output()}`));
      });
    });
    return new Fleet(handle);
  }

  private call<T>(cmd: string, args: unknown = {}): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.handle.child.send({ seq, cmd, args });
    });
  }

  /** Opens `count` connections (`gql`: acknowledged graphql-transport-ws; `raw`: plain WebSocket on channel `channels[i % n]`). */
  open(args: { url: string; count: number; mode: 'gql' | 'raw'; group: string; concurrency?: number; channels?: string[] }) {
    return this.call<{ opened: number; failed: number; firstError?: string; ms: number }>('open', args);
  }

  /** Subscribes each open connection of `group` to `query` with `$id` = `targets[i % n]`; waits for every first `next`. */
  subscribe(args: { group: string; query: string; targets: string[]; timeoutMs: number }) {
    return this.call<{ subscribed: number; requested: number; errors: string[]; errorCount: number; ms: number }>('subscribe', args);
  }

  /** Waits for every watcher (of `target`) to receive a message after `sinceUs`; see {@link Arrivals}. */
  arrivals(args: { group: string; target?: string; sinceUs: number; timeoutMs: number; checkFromUs?: number; minProgress?: number }) {
    return this.call<Arrivals>('arrivals', args);
  }

  /** Open/closed connections, close codes, subscriptions, the fleet's own RSS. */
  status(group?: string) {
    return this.call<{ connections: number; open: number; closed: number; closeCodes: Record<string, number>; subscriptions: number; subscriptionsDone: number; subscriptionErrors: number; rssKb: number }>('status', { group });
  }

  /** The first change message a gql subscriber received, byte for byte (the raw baseline sends it). */
  async sample(): Promise<string | null> {
    return (await this.call<{ sample: string | null }>('sample')).sample;
  }

  clearSample(): Promise<unknown> {
    return this.call('clearSample');
  }

  /** Closes the connections of `group` (all when absent). */
  close(group?: string) {
    return this.call<{ closed: number }>('close', { group });
  }

  /** Closes everything and ends the process. */
  async stop(): Promise<void> {
    if (this.handle.child.exitCode === null) {
      await this.close().catch(() => {});
      this.handle.child.disconnect();
    }
    await this.handle.stop(5000);
  }
}
