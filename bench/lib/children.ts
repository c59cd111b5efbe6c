import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../test/support/process';
import { sleep } from './stats';

export { freePort };

/** Repository root (bench/lib/../..). */
export const ROOT = path.join(__dirname, '..', '..');

/** How much of a child's output is kept for error messages. */
const OUTPUT_TAIL = 32 * 1024;

/** A child process the bench started; its pid is what RSS and CPU are read from. */
export interface ChildHandle {
  pid: number;
  child: ChildProcess;
  /** The last ~32 KiB it printed. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawns `node [execArgv] <script>` from the repository root. TypeScript scripts run through
 * `@swc-node/register`, as `npm start` does. Output is drained (a full pipe would stall the child)
 * and its tail kept; `ipc` adds a message channel.
 */
export function spawnNode(script: string, env: Record<string, string>, options: { execArgv?: string[]; ipc?: boolean } = {}): ChildHandle {
  const register = script.endsWith('.ts') ? ['-r', '@swc-node/register'] : [];
  const child = spawn(process.execPath, [...(options.execArgv ?? []), ...register, script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_TAIL * 2) output = output.slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid: child.pid as number,
    child,
    output: () => output.slice(-OUTPUT_TAIL),
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `url` every `intervalMs` until it answers 200; rejects when `handle` exits or time runs out. */
export async function waitFor200(url: string, handle: ChildHandle, timeoutMs: number, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.child.exitCode !== null) throw new Error(`process exited with ${handle.child.exitCode} before ${url} answered:\n${handle.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await handle.stop(1000);
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${handle.output()}`);
    }
    await sleep(intervalMs);
  }
}

/** A Reelgraph server in its own process. */
export interface ServerChild extends ChildHandle {
  origin: string;
  graphqlUrl: string;
  wsUrl: string;
  /** From spawn to the first `/readyz` 200, in ms. */
  readyMs: number;
}

/**
 * Environment every benchmarked Reelgraph gets on top of the scenario's: request limits are set so
 * high they never trigger (the limiter code still runs), so a load test measures the layer and not
 * the throttle. Variables a given version of src/ does not know are ignored by its config.
 */
export const UNTHROTTLED_ENV: Record<string, string> = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_BURST: '1000000',
  MAX_ACTIVE_JOBS_PER_TENANT: '1000000',
  MAX_QUERY_COST: '10000000',
};

/**
 * Starts Reelgraph (`src/main.ts`, or a compiled `dist/main.js`) on a free loopback port and waits
 * for `/readyz`. `env` uses the README's variable names.
 */
export async function startServer(env: Record<string, string>, options: { entry?: string; execArgv?: string[]; readyTimeoutMs?: number } = {}): Promise<ServerChild> {
  const port = await freePort();
  const started = performance.now();
  const handle = spawnNode(options.entry ?? 'src/main.ts', { LOG_LEVEL: 'info', ...UNTHROTTLED_ENV, ...env, PORT: String(port), HOST: '127.0.0.1' }, { execArgv: options.execArgv });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor200(`${origin}/readyz`, handle, options.readyTimeoutMs ?? 60_000);
  return { ...handle, origin, graphqlUrl: `${origin}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, readyMs: performance.now() - started };
}

/** A baseline server (bench/baselines/*.ts) that prints `LISTENING <port>` once it accepts connections. */
export interface BaselineChild extends ChildHandle {
  origin: string;
  port: number;
  /** From spawn to `LISTENING`, in ms. */
  readyMs: number;
}

/** Starts a baseline script and waits for its `LISTENING <port>` line. */
export async function startBaseline(script: string, env: Record<string, string> = {}, options: { execArgv?: string[]; timeoutMs?: number } = {}): Promise<BaselineChild> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const handle = spawnNode(script, env, { execArgv: options.execArgv });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms:\n${handle.output()}`)), timeoutMs);
    const onData = () => {
      const match = /LISTENING (\d+)/.exec(handle.output());
      if (match) {
        clearTimeout(timer);
        handle.child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    handle.child.stdout?.on('data', onData);
    handle.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${handle.output()}`));
    });
  });
  return { ...handle, port, origin: `http://127.0.0.1:${port}`, readyMs: performance.now() - started };
}
