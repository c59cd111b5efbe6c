import type { BenchOptions, ScenarioId } from './options';
import type { Figure } from './report';

/** What a scenario gets: the run's options and a logger for progress lines. */
export interface ScenarioContext {
  opts: BenchOptions;
  /** PostgreSQL version string when the server is reachable, else null. */
  postgres: string | null;
  log(message: string): void;
  /** Registers a cleanup step; steps run in reverse order when the scenario ends, however it ends. */
  defer(step: () => Promise<unknown> | unknown): void;
}

/** What a scenario produces (run.ts adds id, title, status and wall time). */
export interface ScenarioOutput {
  method: string[];
  figures: Figure[];
  details: Record<string, unknown>;
  notes: string[];
}

/** One benchmark scenario. */
export interface Scenario {
  id: ScenarioId;
  title: string;
  /** When set, the scenario is skipped with this reason (e.g. it needs PostgreSQL). */
  skip?(ctx: ScenarioContext): string | undefined;
  run(ctx: ScenarioContext): Promise<ScenarioOutput>;
}
