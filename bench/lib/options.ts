/** Command-line flags and environment of `npm run bench`. */

/** Every scenario id, in the order they run. */
export const SCENARIO_IDS = ['overhead', 'db-page', 'fanout', 'connections', 'submission', 'batch'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** How a run is sized. */
export interface BenchOptions {
  /** `--smoke`: tiny sizes and 1 s load phases, so the whole run takes seconds (CI). */
  smoke: boolean;
  /** `--only a,b`: the scenarios to run (all when absent). */
  only: ScenarioId[];
  /**
   * `BENCH_DURATION_S` (8, smoke 1): measured seconds of each throughput comparison per side, split into
   * alternating rounds. autocannon measures in whole seconds, so each round is at least 1 s.
   */
  durationS: number;
  /** `--out <dir>` (bench/reports): where latest.json and latest.md are written. */
  outDir: string;
  /** `--no-profile` turns off the CPU profile taken of Reelgraph for scenarios that miss (full mode only). */
  profile: boolean;
}

/**
 * Parses `argv` (without node and the script) and the environment.
 * @throws Error naming the bad flag or value.
 */
export function parseOptions(argv: string[], env: Record<string, string | undefined>, defaultOutDir: string): BenchOptions {
  let smoke = false;
  let only: ScenarioId[] = [...SCENARIO_IDS];
  let outDir = defaultOutDir;
  let profile = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!next) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--smoke') smoke = true;
    else if (arg === '--no-profile') profile = false;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(SCENARIO_IDS as readonly string[]).includes(n));
      if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIO_IDS.join(', ')}`);
      only = SCENARIO_IDS.filter((id) => names.includes(id));
    } else if (arg === '--out' || arg.startsWith('--out=')) outDir = value();
    else throw new Error(`unknown flag ${arg}; flags: --smoke, --only <${SCENARIO_IDS.join(',')}>, --out <dir>, --no-profile`);
  }
  const rawDuration = env.BENCH_DURATION_S;
  const durationS = rawDuration === undefined || rawDuration === '' ? (smoke ? 1 : 8) : Number(rawDuration);
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > 600) throw new Error(`BENCH_DURATION_S must be a number of seconds in (0, 600] (got '${rawDuration}')`);
  return { smoke, only, durationS, outDir, profile: profile && !smoke };
}
