import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchReport } from '../../bench/lib/report';
import { PG_ENV } from '../support/global-setup';

const ROOT = path.join(__dirname, '..', '..');

/** Every figure the suite promises, by scenario (docs/benchmarks.md lists what each means). */
const EXPECTED: Record<string, string[]> = {
  overhead: ['overhead.video', 'overhead.typename'],
  'db-page': ['db-page.throughput', 'db-page.sql'],
  fanout: ['fanout.last', 'fanout.steady.p50', 'fanout.steady.p99'],
  connections: ['connections.rss', 'connections.dropped'],
  submission: ['submission.p50'],
  batch: ['batch.submit', 'batch.cpu', 'coldstart.ts'],
};

/** Scenarios that need PostgreSQL; they report `skipped` where it is not reachable. */
const NEEDS_POSTGRES = new Set(['overhead', 'db-page']);

/**
 * Runs `npm run bench -- --smoke` as its own process (servers, baselines and client fleets are
 * child processes of it) and checks that every scenario produced its figures, each with a
 * baseline from the same run, and that the reports are well-formed. Whether targets are met is
 * not asserted: tests are not timed.
 */
describe('benchmark suite, smoke mode', () => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-bench-smoke-'));
  let exitCode: number | null;
  let output = '';
  let report: BenchReport;

  beforeAll(async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    // The bench finds PostgreSQL where the test setup found it; without it the DB scenarios skip.
    env.BENCH_DATABASE_URL = process.env[PG_ENV] ?? 'postgresql://postgres@127.0.0.1:1/unreachable';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/run.ts', '--smoke', '--out', outDir], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    report = JSON.parse(readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as BenchReport;
  }, 150_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('finishes without a failed scenario', () => {
    if (exitCode !== 0) throw new Error(`bench exited with ${exitCode}:\n${output.slice(-4000)}`);
  });

  it('writes a well-formed JSON report describing the run', () => {
    expect(report.schemaVersion).toBe(1);
    expect(report.mode).toBe('smoke');
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(typeof report.machine.cpuModel).toBe('string');
    expect(report.results.map((r) => r.id)).toEqual(Object.keys(EXPECTED));
    // No machine paths in a commit-worthy report.
    expect(JSON.stringify(report)).not.toContain(ROOT);
    expect(JSON.stringify(report)).not.toContain(os.tmpdir());
  });

  it.each(Object.entries(EXPECTED))('%s reports each figure next to its baseline and target', (id, figureIds) => {
    const scenario = report.results.find((r) => r.id === id);
    expect(scenario).toBeDefined();
    if (!scenario) return;
    if (NEEDS_POSTGRES.has(id) && !process.env[PG_ENV]) {
      expect(scenario.status).toBe('skipped');
      return;
    }
    if (scenario.status !== 'ok') throw new Error(`${id} ${scenario.status}: ${scenario.reason}`);
    expect(scenario.method.length).toBeGreaterThan(0);
    expect(scenario.figures.map((f) => f.id)).toEqual(expect.arrayContaining(figureIds));
    for (const figure of scenario.figures) {
      expect(Number.isFinite(figure.value)).toBe(true);
      expect(figure.baseline.name.length).toBeGreaterThan(0);
      expect(Number.isFinite(figure.baseline.value)).toBe(true);
      expect(['ratio', 'delta']).toContain(figure.comparison.kind);
      expect(figure.comparison.text.length).toBeGreaterThan(0);
      expect(['PASS', 'MISS', 'INFO']).toContain(figure.verdict);
      expect(figure.verdict === 'INFO').toBe(figure.targets.length === 0);
      if (figure.verdict === 'MISS') {
        expect(figure.why?.length).toBeGreaterThan(0);
        expect(figure.close?.length).toBeGreaterThan(0);
      }
    }
  });

  it('writes a Markdown report with the summary table', () => {
    const markdown = readFileSync(path.join(outDir, 'latest.md'), 'utf8');
    expect(markdown).toContain('| # | Figure | Reelgraph | Baseline (same run) | Ratio / Δ | Target | Result |');
    for (const scenario of report.results) expect(markdown).toContain(scenario.title);
  });
});
