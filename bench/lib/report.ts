import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { machineInfo } from './proc';

/** One target a figure is held to: `metric op threshold`, e.g. ratio ≥ 0.9. */
export interface Target {
  metric: 'value' | 'ratio' | 'delta';
  op: '<=' | '>=';
  threshold: number;
  /** As the issue states it, e.g. "≥ 0.9× bare Apollo". */
  text: string;
  pass: boolean;
}

/** PASS: every target met; MISS: one is not; INFO: no target was set for this figure. */
export type Verdict = 'PASS' | 'MISS' | 'INFO';

/** A measured figure next to the baseline measured in the same run. */
export interface Figure {
  id: string;
  title: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number; unit: string };
  /** value / baseline (`ratio`) or value − baseline (`delta`). */
  comparison: { kind: 'ratio' | 'delta'; value: number; text: string };
  targets: Target[];
  verdict: Verdict;
  /** For a MISS: where the time or memory goes, from what this run measured. */
  why?: string;
  /** For a MISS: what would close the gap. */
  close?: string;
}

/** What a scenario returns. */
export interface ScenarioReport {
  id: string;
  title: string;
  status: 'ok' | 'skipped' | 'error';
  /** Why it was skipped or what failed. */
  reason?: string;
  wallS: number;
  /** How the figures were measured (one paragraph each). */
  method: string[];
  figures: Figure[];
  /** Supporting measurements (per-round numbers, SQL counts, CPU, RSS). */
  details: Record<string, unknown>;
  notes: string[];
}

/** The whole run: `bench/reports/latest.json`. */
export interface BenchReport {
  schemaVersion: 1;
  generatedAt: string;
  mode: 'smoke' | 'full';
  durationS: number;
  scenarios: string[];
  machine: ReturnType<typeof machineInfo> & { postgres: string | null };
  git: { commit: string | null; dirty: boolean | null };
  results: ScenarioReport[];
}

/** Formats a number for the Markdown report (thousands separators, `digits` decimals). */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** Options of {@link makeFigure}. */
export interface FigureSpec {
  id: string;
  title: string;
  value: number;
  unit: string;
  baseline: { name: string; value: number; unit?: string };
  compare: 'ratio' | 'delta';
  targets: Omit<Target, 'pass'>[];
  why?: string;
  close?: string;
}

/** Builds a figure: computes the comparison and checks each target. `why`/`close` are kept only on a MISS. */
export function makeFigure(spec: FigureSpec): Figure {
  const { value } = spec;
  const base = spec.baseline.value;
  const comparisonValue = spec.compare === 'ratio' ? value / base : value - base;
  const text = spec.compare === 'ratio' ? `${fmt(comparisonValue, 2)}×` : `${comparisonValue >= 0 ? '+' : ''}${fmt(comparisonValue, 2)} ${spec.unit}`;
  const targets = spec.targets.map((t) => {
    const measured = t.metric === 'value' ? value : t.metric === 'ratio' ? value / base : value - base;
    const pass = Number.isFinite(measured) && (t.op === '<=' ? measured <= t.threshold : measured >= t.threshold);
    return { ...t, pass };
  });
  const verdict: Verdict = targets.length === 0 ? 'INFO' : targets.every((t) => t.pass) ? 'PASS' : 'MISS';
  return {
    id: spec.id,
    title: spec.title,
    value,
    unit: spec.unit,
    baseline: { name: spec.baseline.name, value: base, unit: spec.baseline.unit ?? spec.unit },
    comparison: { kind: spec.compare, value: comparisonValue, text },
    targets,
    verdict,
    ...(verdict === 'MISS' ? { why: spec.why, close: spec.close } : {}),
  };
}

/** JSON with non-finite numbers as null, so every reader can parse it. */
export function toJson(report: BenchReport): string {
  return `${JSON.stringify(report, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/** Writes `latest.json` and `latest.md` atomically (a `.tmp` file renamed into place). */
export function writeReports(report: BenchReport, outDir: string): { json: string; markdown: string } {
  mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, 'latest.json');
  const markdown = path.join(outDir, 'latest.md');
  for (const [file, text] of [
    [json, toJson(report)],
    [markdown, toMarkdown(report)],
  ] as const) {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  }
  return { json, markdown };
}

const VERDICT_MARK: Record<Verdict, string> = { PASS: 'PASS', MISS: '**MISS**', INFO: 'INFO (no target)' };

function valueText(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${fmt(value, digits)} ${unit}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown report: summary table first, then each scenario with its method, figures and misses. */
export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`# Reelgraph benchmark report (${report.mode})`, '');
  lines.push(`Generated ${report.generatedAt} by \`npm run bench${report.mode === 'smoke' ? ' -- --smoke' : ''}\`; load phases of ${report.durationS} s. See [docs/benchmarks.md](../../docs/benchmarks.md) for how each figure is measured and how to read it.`, '');
  lines.push(`Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; ${m.platform}; PostgreSQL ${m.postgres ?? 'not reachable'}.`);
  lines.push(`Code: ${report.git.commit ? `commit ${report.git.commit.slice(0, 12)}${report.git.dirty ? ' with uncommitted changes' : ''}` : 'unknown commit'}.`, '');
  if (report.mode === 'smoke') lines.push('> Smoke mode: tiny sizes and 1 s phases, to keep the suite from rotting. These numbers are not the figures; run `npm run bench` for those.', '');
  lines.push('## Summary', '');
  lines.push('| # | Figure | Reelgraph | Baseline (same run) | Ratio / Δ | Target | Result |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  report.results.forEach((scenario, index) => {
    if (scenario.status !== 'ok') {
      lines.push(`| ${index + 1} | ${cell(scenario.title)} | — | — | — | — | ${scenario.status.toUpperCase()}: ${cell(scenario.reason ?? '')} |`);
      return;
    }
    for (const f of scenario.figures) {
      const targets = f.targets.length ? f.targets.map((t) => `${t.text}${t.pass ? '' : ' ✗'}`).join('; ') : '—';
      lines.push(
        `| ${index + 1} | ${cell(f.title)} | ${valueText(f.value, f.unit)} | ${valueText(f.baseline.value, f.baseline.unit)} (${cell(f.baseline.name)}) | ${f.comparison.text} | ${cell(targets)} | ${VERDICT_MARK[f.verdict]} |`,
      );
    }
  });
  lines.push('');
  const misses = report.results.flatMap((s) => s.figures.filter((f) => f.verdict === 'MISS'));
  if (misses.length > 0) {
    lines.push('## Misses: why, and what would close them', '');
    for (const f of misses) {
      lines.push(`- **${f.title}** (${valueText(f.value, f.unit)} vs ${valueText(f.baseline.value, f.baseline.unit)}, ${f.comparison.text}).`);
      if (f.why) lines.push(`  - Why: ${f.why}`);
      if (f.close) lines.push(`  - To close it: ${f.close}`);
    }
    lines.push('');
  }
  for (const scenario of report.results) {
    lines.push(`## ${scenario.title}`, '');
    if (scenario.status !== 'ok') {
      lines.push(`${scenario.status.toUpperCase()}: ${scenario.reason ?? ''}`, '');
      continue;
    }
    for (const paragraph of scenario.method) lines.push(paragraph, '');
    for (const note of scenario.notes) lines.push(`- ${note}`);
    if (scenario.notes.length) lines.push('');
    lines.push('<details><summary>Measurements</summary>', '', '```json', JSON.stringify(scenario.details, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2), '```', '', '</details>', '');
    lines.push(`Scenario wall time: ${fmt(scenario.wallS, 1)} s.`, '');
  }
  return `${lines.join('\n')}\n`;
}
