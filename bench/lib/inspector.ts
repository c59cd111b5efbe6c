import WebSocket from 'ws';
import { sleep } from './stats';

/**
 * A client of a child's V8 inspector (the child runs with `--inspect=127.0.0.1:0`), used to force a
 * full GC and read the live heap, and to count live instances of a class, so a memory figure can
 * say what is retained rather than guess.
 */
export class Inspector {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!waiter || msg.id === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(`inspector: ${msg.error.message}`));
      else waiter.resolve(msg.result);
    });
  }

  /** Connects to the URL the child printed ("Debugger listening on ws://…"). */
  static async connect(output: () => string, timeoutMs = 10_000): Promise<Inspector> {
    const deadline = Date.now() + timeoutMs;
    let url: string | undefined;
    while (!(url = /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1])) {
      if (Date.now() > deadline) throw new Error('the child printed no inspector URL');
      await sleep(20);
    }
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Forces full garbage collections, then returns the V8 heap in use (KiB). */
  async liveHeapKb(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const usage = await this.call<{ usedSize: number }>('Runtime.getHeapUsage');
    return Math.round(usage.usedSize / 1024);
  }

  /**
   * Live objects whose prototype chain holds the prototype `expression` evaluates to in the child
   * (e.g. `process.mainModule.require('dataloader').prototype`).
   */
  async countInstances(expression: string): Promise<number> {
    const proto = await this.call<{ result: { objectId?: string }; exceptionDetails?: unknown }>('Runtime.evaluate', { expression });
    if (!proto.result.objectId) throw new Error(`inspector: '${expression}' is not an object`);
    const found = await this.call<{ objects: { objectId: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const length = await this.call<{ result: { value: number } }>('Runtime.callFunctionOn', { objectId: found.objects.objectId, functionDeclaration: 'function () { return this.length; }', returnByValue: true });
    await this.call('Runtime.releaseObjectGroup', { objectGroup: '' }).catch(() => {});
    return length.result.value;
  }

  close(): void {
    this.ws.close();
  }
}
