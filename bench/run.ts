/**
 * `npm run bench`: runs the benchmark scenarios against baselines measured in the same run and
 * writes bench/reports/latest.json and latest.md. See docs/benchmarks.md.
 *
 *   npm run bench                          full run (a few minutes)
 *   npm run bench -- --smoke               seconds; what CI runs so the suite cannot rot
 *   npm run bench -- --only fanout,db-page some scenarios
 *   BENCH_DURATION_S=20 npm run bench      longer load phases
 *
 * Exit code: 0 when every scenario produced its figures (targets missed or not), 1 when one failed.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { parseOptions, type ScenarioId } from './lib/options';
import { adminUrl, postgresReachable } from './lib/postgres';
import { machineInfo } from './lib/proc';
import { type BenchReport, type ScenarioReport, writeReports } from './lib/report';
import type { Scenario, ScenarioContext } from './lib/scenario';
import { batch } from './scenarios/batch';
import { connections } from './scenarios/connections';
import { dbPage } from './scenarios/db-page';
import { fanout } from './scenarios/fanout';
import { overhead } from './scenarios/overhead';
import { submission } from './scenarios/submission';

const SCENARIOS: Record<ScenarioId, Scenario> = { overhead, 'db-page': dbPage, fanout, connections, submission, batch };

/** Longest a scenario may run before it is stopped and reported as an error. */
function scenarioTimeoutMs(smoke: boolean, durationS: number): number {
  return smoke ? 60_000 : 180_000 + durationS * 20_000;
}

async function postgresVersion(): Promise<string | null> {
  if (!(await postgresReachable())) return null;
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query('show server_version');
    return String(rows[0].server_version);
  } finally {
    await client.end();
  }
}

function gitState(): BenchReport['git'] {
  const run = (args: string[]) => execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: run(['rev-parse', 'HEAD']), dirty: run(['status', '--porcelain']).length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

async function runScenario(scenario: Scenario, base: Omit<ScenarioContext, 'defer'>, timeoutMs: number): Promise<ScenarioReport> {
  const started = performance.now();
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const ctx: ScenarioContext = { ...base, defer: (step) => void cleanups.push(step) };
  const report = (partial: Omit<ScenarioReport, 'id' | 'title' | 'wallS'>): ScenarioReport => ({
    id: scenario.id,
    title: scenario.title,
    wallS: Math.round((performance.now() - started) / 100) / 10,
    ...partial,
  });
  const skip = scenario.skip?.(ctx);
  if (skip) return report({ status: 'skipped', reason: skip, method: [], figures: [], details: {}, notes: [] });
  let timer: NodeJS.Timeout | undefined;
  try {
    const output = await Promise.race([
      scenario.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return report({ status: 'ok', ...output });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    base.log(`FAILED: ${message}`);
    return report({ status: 'error', reason: message.slice(0, 2000), method: [], figures: [], details: {}, notes: [] });
  } finally {
    clearTimeout(timer);
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        base.log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** Runs the suite; returns the report and where it was written. */
export async function runBench(argv: string[], env: Record<string, string | undefined>, log: (line: string) => void = (l) => console.log(l)): Promise<{ report: BenchReport; files: { json: string; markdown: string } }> {
  const opts = parseOptions(argv, env, path.join(__dirname, 'reports'));
  const postgres = await postgresVersion();
  log(`reelgraph bench: ${opts.smoke ? 'smoke' : 'full'} run of ${opts.only.join(', ')}; load phases ${opts.durationS} s; PostgreSQL ${postgres ?? 'not reachable'}`);
  const results: ScenarioReport[] = [];
  for (const id of opts.only) {
    const scenario = SCENARIOS[id];
    log(`\n▶ ${scenario.title}`);
    const t0 = performance.now();
    const stamp = () => `+${((performance.now() - t0) / 1000).toFixed(1)}s`;
    const result = await runScenario(scenario, { opts, postgres, log: (line) => log(`  [${id} ${stamp()}] ${line}`) }, scenarioTimeoutMs(opts.smoke, opts.durationS));
    for (const f of result.figures) log(`  ${f.verdict.padEnd(4)} ${f.title}: ${f.value} ${f.unit} vs ${f.baseline.value} ${f.baseline.unit} (${f.baseline.name}) → ${f.comparison.text}`);
    log(`  ${result.status} in ${result.wallS} s`);
    results.push(result);
  }
  const report: BenchReport = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    mode: opts.smoke ? 'smoke' : 'full',
    durationS: opts.durationS,
    scenarios: opts.only,
    machine: { ...machineInfo(), postgres },
    git: gitState(),
    results,
  };
  const files = writeReports(report, opts.outDir);
  log(`\nwrote ${path.relative(process.cwd(), files.json)} and ${path.relative(process.cwd(), files.markdown)}`);
  return { report, files };
}

if (require.main === module) {
  runBench(process.argv.slice(2), process.env).then(
    ({ report }) => process.exit(report.results.some((r) => r.status === 'error') ? 1 : 0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
