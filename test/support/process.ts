import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { GqlClient } from './graphql-client';

const ROOT = path.join(__dirname, '..', '..');

/** A Reelgraph server running as its own OS process (`npm start`'s entry point). */
export interface ServerProcess {
  /** Pid of the spawned process (npm's own pid when started through `npm start`). */
  pid: number;
  port: number;
  origin: string;
  gql: GqlClient;
  wsUrl: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for a graceful exit (SIGKILL after `graceMs`). Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Sends `signal` to the spawned process only (not its process group). */
  kill(signal: NodeJS.Signals): void;
  /** Settles when the spawned process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
  readyTimeoutMs?: number;
  /** Start through `npm start` (as Docker's `CMD npm start` does) instead of node directly. */
  npm?: boolean;
  /** Reuse a port (a restart on the same address); a free one otherwise. */
  port?: number;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `src/main.ts` in a child process with `env` and waits until `/readyz` answers 200. */
export async function spawnServer(env: Record<string, string>, options: SpawnOptions | number = {}): Promise<ServerProcess> {
  const { readyTimeoutMs = 30_000, npm = false, port = await freePort() } = typeof options === 'number' ? { readyTimeoutMs: options } : options;
  const [command, args] = npm ? ['npm', ['start', '--silent']] : [process.execPath, ['-r', '@swc-node/register', 'src/main.ts']];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const origin = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      if ((await fetch(`${origin}/readyz`)).status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid as number,
    port,
    origin,
    gql: new GqlClient(`${origin}/graphql`),
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    output: () => output,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}

/** Parent pid and state of a live process from /proc, or undefined once it is gone (or reaped). */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    // `pid (comm) state ppid …`; comm may contain spaces and parentheses, so split after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Pids of every live process below `pid` (Linux /proc), children first. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** True when nothing listens on `port` (127.0.0.1) any more. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
