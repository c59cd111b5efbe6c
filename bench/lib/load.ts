import autocannon from 'autocannon';
import { cpuMeter, cpuMsOfCommand } from './proc';
import { round } from './stats';

/** One HTTP request, sent over and over by keep-alive connections. */
export interface LoadTarget {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Process serving it, whose CPU is measured during the phase. */
  pid: number;
}

/** What one measured load phase produced. */
export interface LoadResult {
  requests: number;
  durationS: number;
  /** Completed requests per second. */
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Socket errors, timeouts and non-2xx answers: must be 0 for the phase to count. */
  failures: number;
  /** Server CPU during the phase: ms in total, cores busy on average, µs per request. */
  serverCpu: { ms: number; cores: number; usPerRequest: number };
  /** CPU of the local PostgreSQL server (all its processes) during the phase, per request. */
  dbCpu: { cores: number; usPerRequest: number };
}

/**
 * Closed-loop load on loopback: `connections` keep-alive connections, each sending the next request
 * as soon as the previous answer arrived, for `durationS` seconds (autocannon, in this process).
 */
export async function runLoad(target: LoadTarget, connections: number, durationS: number): Promise<LoadResult> {
  const meter = cpuMeter(target.pid);
  const db0 = cpuMsOfCommand('postgres');
  const result = await autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    body: target.body,
    connections,
    pipelining: 1,
    duration: durationS,
    timeout: 10,
  });
  const cpu = meter.stop();
  // PostgreSQL backends that exit during the phase take their CPU time with them; never below 0.
  const dbMs = Math.max(0, cpuMsOfCommand('postgres') - db0);
  const requests = result.requests.total;
  const seconds = result.duration || durationS;
  return {
    requests,
    durationS: seconds,
    rps: round(requests / seconds, 1),
    latencyMs: { mean: round(result.latency.mean), p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    failures: result.errors + result.timeouts + result.non2xx,
    serverCpu: { ms: round(cpu.cpuMs, 0), cores: round(cpu.cores), usPerRequest: requests > 0 ? round((cpu.cpuMs * 1000) / requests, 1) : Number.NaN },
    dbCpu: { cores: round(dbMs / cpu.wallMs), usPerRequest: requests > 0 ? round((dbMs * 1000) / requests, 1) : Number.NaN },
  };
}

/** Throughput of one side of a comparison over all its rounds. */
export interface SideResult {
  name: string;
  /** Requests per second over all measured rounds together. */
  rps: number;
  rounds: LoadResult[];
  /** Server CPU per request over the rounds (µs). */
  cpuUsPerRequest: number;
  /** PostgreSQL CPU per request over the rounds (µs). */
  dbUsPerRequest: number;
  /** Server cores busy on average over the rounds. */
  cores: number;
  /** Median of the rounds' p50 latency (ms). */
  p50Ms: number;
  failures: number;
}

/**
 * Measures two targets in alternating rounds (A B A B …) after a warm-up of each, so both see the
 * same machine noise; each side's figure is its total requests over its total time.
 */
export async function compareThroughput(a: LoadTarget, b: LoadTarget, options: { connections: number; durationS: number; rounds: number; warmupS: number }): Promise<{ a: SideResult; b: SideResult }> {
  if (options.warmupS > 0) for (const target of [a, b]) await runLoad(target, options.connections, options.warmupS);
  const runs: { a: LoadResult[]; b: LoadResult[] } = { a: [], b: [] };
  // autocannon stops on whole-second ticks, so a round shorter than 1 s would run 1 s anyway.
  const perRound = Math.max(1, Math.round(options.durationS / options.rounds));
  for (let i = 0; i < options.rounds; i++) {
    // Alternate who goes first so neither always follows the other's garbage collection.
    const order: ['a' | 'b', LoadTarget][] = i % 2 === 0 ? [['a', a], ['b', b]] : [['b', b], ['a', a]];
    for (const [key, target] of order) runs[key].push(await runLoad(target, options.connections, perRound));
  }
  const side = (target: LoadTarget, rounds: LoadResult[]): SideResult => {
    const requests = rounds.reduce((n, r) => n + r.requests, 0);
    const seconds = rounds.reduce((n, r) => n + r.durationS, 0);
    const cpuMs = rounds.reduce((n, r) => n + r.serverCpu.ms, 0);
    const dbUs = rounds.reduce((n, r) => n + r.dbCpu.usPerRequest * r.requests, 0);
    const p50s = rounds.map((r) => r.latencyMs.p50).sort((x, y) => x - y);
    return {
      name: target.name,
      rps: round(requests / seconds, 1),
      rounds,
      cpuUsPerRequest: requests > 0 ? round((cpuMs * 1000) / requests, 1) : Number.NaN,
      dbUsPerRequest: requests > 0 ? round(dbUs / requests, 1) : Number.NaN,
      cores: round(cpuMs / 1000 / seconds),
      p50Ms: p50s[Math.floor(p50s.length / 2)],
      failures: rounds.reduce((n, r) => n + r.failures, 0),
    };
  };
  return { a: side(a, runs.a), b: side(b, runs.b) };
}
