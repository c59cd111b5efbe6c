import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { AppError, ErrorCode } from '../../errors';
import type { Warning } from '../../graphql/context';
import type { Lifecycle, ModelCatalog, ModelSpec, ResolvedModel } from './catalog';
import type { PinService, PinState } from './pin.service';

/** How a job's snapshot was chosen (recorded nowhere but useful in tests and logs). */
export type ResolutionVia = 'SNAPSHOT' | 'ADMIN' | 'CONFIG' | 'DEFAULT' | 'CANARY';

/** A model name resolved for one job: the snapshot that runs it and the upstream it goes to. */
export interface Resolution extends ResolvedModel {
  upstream: string;
  via: ResolutionVia;
}

/** What a resolution needs from the request: where to put warnings (deprecations). */
export interface ResolveScope {
  em: EntityManager;
  warnings: Warning[];
}

/**
 * Whether a job falls in a canary: a hash of the job id against the share, so the same job always
 * gets the same answer and a share of p % routes p % of jobs (within sampling noise).
 */
export function inCanary(jobId: string, percent: number): boolean {
  const bucket = createHash('sha256').update(jobId).digest().readUInt32BE(0) % 10_000;
  return bucket < Math.round(percent * 100);
}

/** Midnight UTC of a catalog date. */
function day(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/**
 * Resolves what a job runs: an explicit snapshot as asked, an alias through the canary, the pin
 * and the default, in that order. Then the lifecycle: past shutdown is refused, deprecated adds a
 * warning naming the replacement and the shutdown date. Never substitutes silently: a shut-down
 * pin is refused too, so an operator re-pins on purpose.
 */
export class ModelRouter {
  constructor(
    readonly catalog: ModelCatalog,
    readonly pins: PinService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async resolve(scope: ResolveScope, name: string, jobId: string, field = 'input.model'): Promise<Resolution> {
    const states = await this.pins.states(scope.em);
    return this.resolveWith(states, scope.warnings, name, jobId, field);
  }

  /** Resolution with pin states already loaded (a batch resolves thousands of items with one read). */
  resolveWith(states: Map<string, PinState>, warnings: Warning[], name: string, jobId: string, field = 'input.model'): Resolution {
    const { spec, snapshot: explicit } = this.catalog.lookup(name, field);
    let snapshot: string;
    let via: ResolutionVia;
    if (explicit) {
      snapshot = explicit.id;
      via = 'SNAPSHOT';
    } else {
      const state = states.get(spec.id) as PinState;
      if (state.canary && inCanary(jobId, state.canary.percent)) {
        snapshot = state.canary.snapshot;
        via = 'CANARY';
      } else {
        snapshot = state.snapshot;
        via = state.source;
      }
    }
    this.checkLifecycle(spec.id, spec.lifecycle, field, warnings);
    if (snapshot !== spec.id) this.checkLifecycle(snapshot, this.catalog.snapshotOf(spec, snapshot), field, warnings, name);
    return { spec, snapshot, upstream: spec.upstream, via };
  }

  /** The model behind a stored job's snapshot (derivations keep their source's snapshot). */
  resolveStored(warnings: Warning[], snapshot: string, field: string): Resolution {
    return this.resolveWith(new Map(), warnings, snapshot, snapshot, field);
  }

  private checkLifecycle(id: string, life: Lifecycle, field: string, warnings: Warning[], askedFor?: string): void {
    const now = this.now().getTime();
    const via = askedFor && askedFor !== id ? ` (what '${askedFor}' resolves to)` : '';
    const replacement = life.replacement ? ` Use ${life.replacement} instead.` : '';
    if (life.shutdown && day(life.shutdown) <= now) {
      throw new AppError(ErrorCode.MODEL_SHUT_DOWN, `${id}${via} was shut down on ${life.shutdown}; it no longer accepts jobs.${replacement}`, {
        field,
        model: id,
        shutdown: life.shutdown,
        replacement: life.replacement ?? undefined,
      });
    }
    if (life.deprecated && day(life.deprecated) <= now) {
      warnings.push({
        code: 'MODEL_DEPRECATED',
        field,
        message:
          `${id}${via} is deprecated since ${life.deprecated}` +
          (life.shutdown ? ` and shuts down on ${life.shutdown}` : '') +
          `.${life.replacement ? ` Move to ${life.replacement}.` : ''}`,
      });
    }
  }

  /** The models as the API shows them, with their pin states. */
  async describe(em: EntityManager): Promise<{ spec: ModelSpec; pin: PinState }[]> {
    const states = await this.pins.states(em);
    return this.catalog.models().map((spec) => ({ spec, pin: states.get(spec.id) as PinState }));
  }
}
