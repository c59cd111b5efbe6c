import { type EntityManager, type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError, badInput, ErrorCode, listValues } from '../../errors';
import { keyset, type Page, type PageArgs, pageOf, pageRequest } from '../../graphql/relay';
import type { ModelCatalog, ModelSpec } from './catalog';
import { ModelPin, ModelPinChange, PinAction } from './pin.entity';

/** Where an alias's effective snapshot comes from. */
export type PinSource = 'ADMIN' | 'CONFIG' | 'DEFAULT';

/** The resolved pin state of one alias. */
export interface PinState {
  alias: string;
  /** Snapshot new jobs run (outside the canary). */
  snapshot: string;
  source: PinSource;
  canary: { snapshot: string; percent: number } | null;
}

/** Attempts of a pin change's compare-and-set before giving up (only under heavy contention). */
const MAX_ATTEMPTS = 5;

/**
 * Model pins for the deployment. Precedence: an admin pin (runtime, recorded) → a deployment pin
 * from config (`pins` in the catalog file, `MODEL_PINS`) → the catalog's default snapshot. Every
 * change is recorded with who, when, from, to and why. Pins affect new jobs only: a job records
 * its snapshot when accepted.
 */
export class PinService {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly configPins: Record<string, string>,
  ) {}

  /** Pin states of every alias (one query). */
  async states(em: EntityManager): Promise<Map<string, PinState>> {
    const rows = new Map((await em.find(ModelPin, {})).map((row) => [row.alias, row]));
    return new Map(this.catalog.models().map((spec) => [spec.id, this.stateOf(spec, rows.get(spec.id))]));
  }

  async state(em: EntityManager, alias: string): Promise<PinState> {
    const spec = this.requireAlias(alias);
    return this.stateOf(spec, (await em.findOne(ModelPin, { alias })) ?? undefined);
  }

  /** Pins an alias to a snapshot (and ends any canary, which this decides). */
  async pin(em: EntityManager, alias: string, snapshot: string, actor: string, reason: string): Promise<ModelPinChange> {
    const spec = this.requireAlias(alias);
    this.requireSnapshot(spec, snapshot, 'input.snapshot');
    return this.change(em, spec, actor, reason, PinAction.PIN, () => ({ snapshot, canarySnapshot: null, canaryPercent: null }));
  }

  /** Undoes the alias's last pin change: the effective snapshot goes back to what it was before. */
  async rollback(em: EntityManager, alias: string, actor: string, reason: string): Promise<ModelPinChange> {
    const spec = this.requireAlias(alias);
    const [last] = await em.find(ModelPinChange, { alias, action: { $in: [PinAction.PIN, PinAction.ROLLBACK] } }, { orderBy: { id: 'desc' }, limit: 1 });
    if (!last) throw new AppError(ErrorCode.CONFLICT, `${alias} has no pin change to roll back.`, { field: 'input.model' });
    return this.change(em, spec, actor, reason, PinAction.ROLLBACK, () => ({ snapshot: last.fromSnapshot }));
  }

  /** Routes a deterministic `percent` share of new jobs of the alias to a candidate snapshot. */
  async startCanary(em: EntityManager, alias: string, snapshot: string, percent: number, actor: string, reason: string): Promise<ModelPinChange> {
    const spec = this.requireAlias(alias);
    this.requireSnapshot(spec, snapshot, 'input.snapshot');
    if (!(percent > 0 && percent <= 100)) throw badInput('input.percent', `percent must be more than 0 and at most 100 (got ${percent}).`);
    return this.change(em, spec, actor, reason, PinAction.CANARY_START, (current) => {
      if (current.snapshot === snapshot) throw badInput('input.snapshot', `${alias} already runs ${snapshot}; a canary needs another snapshot.`);
      return { canarySnapshot: snapshot, canaryPercent: percent };
    });
  }

  async stopCanary(em: EntityManager, alias: string, actor: string, reason: string): Promise<ModelPinChange> {
    const spec = this.requireAlias(alias);
    return this.change(em, spec, actor, reason, PinAction.CANARY_STOP, (current) => {
      if (!current.canary) throw new AppError(ErrorCode.CONFLICT, `${alias} has no canary running.`, { field: 'input.model' });
      return { canarySnapshot: null, canaryPercent: null };
    });
  }

  /** Recorded changes, newest first, optionally of one alias. */
  async history(em: EntityManager, alias: string | undefined, args: PageArgs): Promise<Page<ModelPinChange>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    const where: FilterQuery<ModelPinChange> = {};
    if (alias) where.alias = alias;
    if (range) where.id = range;
    return pageOf(await em.find(ModelPinChange, where, { orderBy: { id: orderBy }, limit }), request);
  }

  private stateOf(spec: ModelSpec, row: ModelPin | undefined): PinState {
    const config = this.configPins[spec.id];
    const canary = row?.canarySnapshot && row.canaryPercent ? { snapshot: row.canarySnapshot, percent: row.canaryPercent } : null;
    if (row?.snapshot) return { alias: spec.id, snapshot: row.snapshot, source: 'ADMIN', canary };
    if (config) return { alias: spec.id, snapshot: config, source: 'CONFIG', canary };
    return { alias: spec.id, snapshot: spec.defaultSnapshot, source: 'DEFAULT', canary };
  }

  /** Applies a change to the alias's row with compare-and-set and records it, in one transaction. */
  private async change(
    em: EntityManager,
    spec: ModelSpec,
    actor: string,
    reason: string,
    action: PinAction,
    next: (current: PinState) => Partial<Pick<ModelPin, 'snapshot' | 'canarySnapshot' | 'canaryPercent'>>,
  ): Promise<ModelPinChange> {
    if (!reason.trim()) throw badInput('input.reason', 'reason must say why the pin changes (it is kept in modelPinHistory).');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const fork = em.fork({ clear: true });
      const row = await fork.findOne(ModelPin, { alias: spec.id });
      const before = this.stateOf(spec, row ?? undefined);
      const patch = next(before);
      const after = this.stateOf(spec, Object.assign(new ModelPin(), row ?? { alias: spec.id }, patch));
      const change = await fork.transactional(async (tx) => {
        if (row) {
          const updated = await tx.nativeUpdate(ModelPin, { alias: spec.id, version: row.version }, { ...patch, version: row.version + 1, updatedAt: new Date() });
          if (updated === 0) return undefined;
        } else {
          // A concurrent first change makes this insert fail: the loop reads the new row and retries.
          await tx.insert(ModelPin, { alias: spec.id, ...patch, version: 1, updatedAt: new Date() });
        }
        const record = tx.create(ModelPinChange, {
          alias: spec.id,
          action,
          fromSnapshot: before.snapshot,
          toSnapshot: after.snapshot,
          canarySnapshot: after.canary?.snapshot ?? null,
          canaryPercent: after.canary?.percent ?? null,
          actor,
          reason: reason.trim(),
        });
        return record;
      }).catch((error: unknown) => {
        if (error instanceof UniqueConstraintViolationException) return undefined;
        throw error;
      });
      if (change) return change;
    }
    throw new AppError(ErrorCode.CONFLICT, `The pin of ${spec.id} is being changed concurrently; try again.`);
  }

  private requireAlias(alias: string): ModelSpec {
    const entry = this.catalog.find(alias);
    if (!entry || entry.snapshot) {
      const aliases = this.catalog.models().map((m) => m.id);
      throw badInput('input.model', `'${alias}' is not a model alias; pins apply to ${listValues(aliases)}.`, aliases);
    }
    return entry.spec;
  }

  private requireSnapshot(spec: ModelSpec, snapshot: string, field: string): void {
    const snapshots = spec.snapshots.map((s) => s.id);
    if (!snapshots.includes(snapshot)) throw badInput(field, `'${snapshot}' is not a snapshot of ${spec.id}. Use ${listValues(snapshots)}.`, snapshots);
  }
}
