import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where one CPU profile says the time went. */
export interface ProfileSummary {
  /** Sampled time excluding idle, in ms. */
  busyMs: number;
  /** Operations served while profiling (requests, events); per-operation figures divide by it. */
  operations?: number;
  /** Self time per area (a package, a src/ folder, node core, GC), largest first: % of busy time, and µs per operation. */
  areas: { area: string; pct: number; usPerOp?: number }[];
  /** The functions with the most self time, as % of busy time. */
  functions: { fn: string; pct: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Which area a frame's code belongs to: `pkg:<name>`, `src/<folder>`, `node core`, `GC`, `native`. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)' || url === '') return 'native / V8';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return `pkg:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) {
    const parts = url.slice(src + 1).split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/');
  }
  return 'other';
}

/**
 * Summarizes the `.cpuprofile` files `node --cpu-prof` wrote into `dir` (self time by area and
 * function), counting only samples inside `window` (monotonic µs, see nowUs) when given.
 */
export function summarizeProfiles(dir: string, window?: { fromUs: number; toUs: number }, operations?: number): ProfileSummary | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    // Sample times are on the machine's monotonic clock (µs), like nowUs(), so start-up can be left out.
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      at += us;
      if (window && (at < window.fromUs || at > window.toUs)) return;
      if (!node || node.callFrame.functionName === '(idle)') return;
      busy += us;
      const area = areaOf(node.callFrame);
      areas.set(area, (areas.get(area) ?? 0) + us);
      const where = node.callFrame.url ? `${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : '';
      const fn = `${node.callFrame.functionName || '(anonymous)'}${where ? ` ${where}` : ''} [${area}]`;
      functions.set(fn, (functions.get(fn) ?? 0) + us);
    });
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, us, pct: Math.round((1000 * us) / busy) / 10 }));
  const perOp = (us: number) => (operations ? Math.round(us / operations) : undefined);
  return {
    busyMs: Math.round(busy / 1000),
    operations,
    areas: top(areas, 14).map(({ name, pct, us }) => ({ area: name, pct, usPerOp: perOp(us) })),
    functions: top(functions, 12).map(({ name, pct }) => ({ fn: name, pct })),
  };
}

/**
 * Where `subject` spends more CPU per operation than `baseline`, by area, largest first:
 * "pkg:@mikro-orm/core +410 µs, …". Both summaries need `operations`.
 */
export function diffLine(subject: ProfileSummary, baseline: ProfileSummary, n = 6): string {
  const base = new Map(baseline.areas.map((a) => [a.area, a.usPerOp ?? 0]));
  return subject.areas
    .map((a) => ({ area: a.area, extra: (a.usPerOp ?? 0) - (base.get(a.area) ?? 0) }))
    .filter((a) => a.extra > 0)
    .sort((a, b) => b.extra - a.extra)
    .slice(0, n)
    .map((a) => `${a.area} +${a.extra} µs`)
    .join(', ');
}

/** One line for a report: "pkg:graphql 22%, src/graphql 9%, …". */
export function areasLine(summary: ProfileSummary, n = 6): string {
  return summary.areas
    .slice(0, n)
    .map((a) => `${a.area} ${a.pct}%${a.usPerOp !== undefined ? ` (${a.usPerOp} µs/op)` : ''}`)
    .join(', ');
}
