/**
 * A fleet of WebSocket clients in its own process (each process may hold 20,000 descriptors, and
 * the clients must not share an event loop with the server or the load generator). Driven over
 * IPC by {@link ./fleet.ts}. Every message is timestamped on arrival with the machine's monotonic
 * clock in µs, which the parent compares with the time it sent the trigger.
 *
 * Modes: `gql` speaks graphql-transport-ws (connection_init → ack → subscribe → next…);
 * `raw` is a plain WebSocket that records whatever the server pushes (the raw `ws` baseline).
 */
import WebSocket from 'ws';

type Mode = 'gql' | 'raw';

interface Message {
  /** Arrival, µs on the monotonic clock. */
  t: number;
  status?: string;
  progress?: number;
}

interface Sub {
  id: string;
  conn: number;
  target: string;
  messages: Message[];
  done: boolean;
  error?: string;
}

interface Conn {
  index: number;
  group: string;
  mode: Mode;
  ws: WebSocket;
  open: boolean;
  closeCode?: number;
  subs: Map<string, Sub>;
  /** raw mode: the channel this connection listens to, and what arrived. */
  raw?: Sub;
}

const conns: Conn[] = [];
const subs = new Map<string, Sub>();
let sample: string | undefined;
let subSeq = 0;

function now(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Pulls status/progress out of a graphql-ws `next` payload (`{ data: { <field>: { status, progress } } }`). */
function summarizePayload(payload: unknown): { status?: string; progress?: number } {
  const data = (payload as { data?: Record<string, { status?: string; progress?: number } | null> } | undefined)?.data;
  const first = data ? Object.values(data)[0] : undefined;
  return { status: first?.status, progress: first?.progress };
}

function onMessage(conn: Conn, raw: WebSocket.RawData): void {
  const t = now();
  const text = raw.toString();
  let message: { id?: string; type?: string; payload?: unknown };
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  if (conn.mode === 'raw') {
    conn.raw?.messages.push({ t, ...summarizePayload(message.payload) });
    return;
  }
  if (message.type === 'ping') {
    conn.ws.send(JSON.stringify({ type: 'pong' }));
    return;
  }
  const sub = message.id ? conn.subs.get(message.id) : undefined;
  if (!sub) return;
  if (message.type === 'next') {
    sub.messages.push({ t, ...summarizePayload(message.payload) });
    // The first change after the initial state is the payload the raw baseline replays.
    if (sub.messages.length === 2 && sample === undefined) sample = text;
  } else if (message.type === 'complete') sub.done = true;
  else if (message.type === 'error') {
    sub.done = true;
    sub.error = JSON.stringify(message.payload).slice(0, 300);
  }
}

/** Opens one connection; resolves when it is usable (gql: acknowledged) or failed. */
function openOne(url: string, mode: Mode, group: string, channel?: string): Promise<Conn | string> {
  return new Promise((resolve) => {
    const full = channel ? `${url}${url.includes('?') ? '&' : '?'}c=${encodeURIComponent(channel)}` : url;
    const ws = new WebSocket(full, mode === 'gql' ? 'graphql-transport-ws' : undefined, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    const conn: Conn = { index: conns.length, group, mode, ws, open: false, subs: new Map() };
    let settled = false;
    const settle = (value: Conn | string) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    ws.on('open', () => {
      if (mode === 'raw') {
        conn.open = true;
        conn.raw = { id: `raw-${conns.length}`, conn: conn.index, target: channel ?? '', messages: [], done: false };
        settle(conn);
      } else ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    });
    ws.on('message', (data) => {
      if (!conn.open && mode === 'gql') {
        const text = data.toString();
        if (text.includes('"connection_ack"')) {
          conn.open = true;
          settle(conn);
        }
        return;
      }
      onMessage(conn, data);
    });
    ws.on('close', (code) => {
      conn.open = false;
      conn.closeCode = code;
      settle(`closed with ${code} before it was ready`);
    });
    ws.on('error', (error) => settle(error.message));
  });
}

async function open(args: { url: string; count: number; mode: Mode; group: string; concurrency?: number; channels?: string[] }) {
  const started = now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < args.count) {
      const i = next++;
      const result = await openOne(args.url, args.mode, args.group, args.channels?.[i % args.channels.length]);
      if (typeof result === 'string') {
        failed++;
        firstError ??= result;
      } else {
        result.index = conns.length;
        if (result.raw) result.raw.conn = result.index;
        conns.push(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.concurrency ?? 100, args.count) }, worker));
  return { opened: args.count - failed, failed, firstError, ms: (now() - started) / 1000 };
}

/**
 * Subscribes every open connection of `group` to `query`; connection i gets `targets[i % n]` as
 * `$id`. Resolves once every subscription has its first `next` (the current state) or failed.
 */
async function subscribe(args: { group: string; query: string; targets: string[]; timeoutMs: number }) {
  const started = now();
  const mine = conns.filter((c) => c.group === args.group && c.open);
  const created: Sub[] = [];
  mine.forEach((conn, i) => {
    const id = `s${++subSeq}`;
    const target = args.targets[i % args.targets.length];
    const sub: Sub = { id, conn: conn.index, target, messages: [], done: false };
    conn.subs.set(id, sub);
    subs.set(id, sub);
    created.push(sub);
    conn.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: args.query, variables: { id: target } } }));
  });
  const deadline = Date.now() + args.timeoutMs;
  while (created.some((s) => s.messages.length === 0 && !s.done) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const ready = created.filter((s) => s.messages.length > 0).length;
  const errors = created.filter((s) => s.error).map((s) => s.error);
  return { subscribed: ready, requested: created.length, errors: errors.slice(0, 3), errorCount: errors.length, ms: (now() - started) / 1000 };
}

/** The subscriptions (or raw connections) of a group, optionally only those watching `target`. */
function watchersOf(group: string, target?: string): Sub[] {
  const result: Sub[] = [];
  for (const conn of conns) {
    if (conn.group !== group) continue;
    if (conn.raw) {
      if (target === undefined || conn.raw.target === target) result.push(conn.raw);
    } else for (const sub of conn.subs.values()) if (target === undefined || sub.target === target) result.push(sub);
  }
  return result;
}

/**
 * Waits until every watcher of `target` in `group` received a message after `sinceUs` (or
 * `timeoutMs` passes) and returns each one's first such arrival, plus anything that arrived in
 * `[checkFromUs, sinceUs)` (which would mean the change was seen before the trigger).
 */
async function arrivals(args: { group: string; target?: string; sinceUs: number; timeoutMs: number; checkFromUs?: number; minProgress?: number }) {
  const watchers = watchersOf(args.group, args.target);
  const firstAfter = (s: Sub) => s.messages.find((m) => m.t >= args.sinceUs && (args.minProgress === undefined || (m.progress ?? 0) >= args.minProgress));
  const deadline = Date.now() + args.timeoutMs;
  while (watchers.some((s) => !firstAfter(s)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const times = watchers.map((s) => firstAfter(s)?.t ?? null);
  const early = args.checkFromUs === undefined ? 0 : watchers.filter((s) => s.messages.some((m) => m.t >= (args.checkFromUs as number) && m.t < args.sinceUs)).length;
  const statuses: Record<string, number> = {};
  for (const s of watchers) {
    const m = firstAfter(s);
    const key = m ? `${m.status ?? '?'}/${m.progress ?? '?'}` : 'none';
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return { watchers: watchers.length, times, early, statuses };
}

function status(args: { group?: string }) {
  const mine = conns.filter((c) => args.group === undefined || c.group === args.group);
  const closeCodes: Record<string, number> = {};
  for (const c of mine) if (c.closeCode !== undefined) closeCodes[c.closeCode] = (closeCodes[c.closeCode] ?? 0) + 1;
  const subsOfGroup = mine.flatMap((c) => [...c.subs.values()]);
  return {
    connections: mine.length,
    open: mine.filter((c) => c.open).length,
    closed: mine.filter((c) => !c.open).length,
    closeCodes,
    subscriptions: subsOfGroup.length,
    subscriptionsDone: subsOfGroup.filter((s) => s.done).length,
    subscriptionErrors: subsOfGroup.filter((s) => s.error).length,
    rssKb: Math.round(process.memoryUsage().rss / 1024),
  };
}

async function close(args: { group?: string }) {
  const mine = conns.filter((c) => args.group === undefined || c.group === args.group);
  await Promise.all(
    mine.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 2000);
          c.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          c.ws.close(1000);
        }),
    ),
  );
  for (const c of mine) {
    conns.splice(conns.indexOf(c), 1);
    for (const id of c.subs.keys()) subs.delete(id);
  }
  return { closed: mine.length };
}

const commands: Record<string, (args: never) => unknown> = {
  open,
  subscribe,
  arrivals,
  status,
  close,
  sample: () => ({ sample: sample ?? null }),
  clearSample: () => {
    sample = undefined;
    return {};
  },
};

process.on('message', (msg: { seq: number; cmd: string; args: unknown }) => {
  const run = commands[msg.cmd];
  Promise.resolve()
    .then(() => (run ? run(msg.args as never) : Promise.reject(new Error(`unknown command ${msg.cmd}`))))
    .then(
      (result) => process.send?.({ seq: msg.seq, result }),
      (error: unknown) => process.send?.({ seq: msg.seq, error: error instanceof Error ? error.message : String(error) }),
    );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ seq: 0, result: 'ready' });
