import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config';
import { AppError, badInput, ErrorCode, listValues } from '../../errors';
import { type Capabilities, type CatalogData, catalogProblems, type Lifecycle, type ModelSpec, type SnapshotSpec } from './catalog.schema';
import defaultCatalog from './default-catalog.json';

export type { CatalogData, ModelSpec, SnapshotSpec, Capabilities, Lifecycle };

/** A model name resolved to the snapshot that runs a job. */
export interface ResolvedModel {
  spec: ModelSpec;
  /** The snapshot that will run. */
  snapshot: string;
}

/** Thrown when a catalog file is invalid; lists every problem with its path. */
export class CatalogError extends ConfigError {
  constructor(source: string, problems: string[]) {
    super(problems.map((p) => `model catalog ${source}: ${p}`));
    this.name = 'CatalogError';
  }
}

/** Capabilities a request can need, with the words used in errors. */
const CAPABILITY_WORDS: Record<Exclude<keyof Capabilities, 'sizes' | 'durations'>, string> = {
  extensions: 'extensions',
  edits: 'edits',
  remix: 'remixes',
  characters: 'characters',
  referenceImages: 'reference images',
  batch: 'batches',
};

/**
 * The catalog of models. Every validation of model, size, duration and feature reads it, so
 * narrowing what an upstream accepts is a data change, not a code change.
 */
export class ModelCatalog {
  private readonly byName = new Map<string, { spec: ModelSpec; snapshot?: SnapshotSpec }>();

  constructor(readonly data: CatalogData = defaultCatalog as CatalogData) {
    const problems = catalogProblems(data);
    if (problems.length > 0) throw new CatalogError('catalog', problems);
    for (const spec of data.models) {
      this.byName.set(spec.id, { spec });
      for (const snapshot of spec.snapshots) this.byName.set(snapshot.id, { spec, snapshot });
    }
  }

  /** The default catalog, or the operator's file (validated; every problem reported at once). */
  static load(file: string | undefined): ModelCatalog {
    if (!file) return new ModelCatalog();
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CatalogError(file, [`cannot read it as JSON: ${(error as Error).message}`]);
    }
    const problems = catalogProblems(data);
    if (problems.length > 0) throw new CatalogError(file, problems);
    return new ModelCatalog(data as CatalogData);
  }

  /** Every name a client may ask for: aliases, then snapshots. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  models(): ModelSpec[] {
    return this.data.models;
  }

  /** An alias or snapshot by name (undefined when unknown). */
  find(name: string): { spec: ModelSpec; snapshot?: SnapshotSpec } | undefined {
    return this.byName.get(name);
  }

  /** Looks a name up. @throws BAD_USER_INPUT listing the accepted names. */
  lookup(name: string, field = 'input.model'): { spec: ModelSpec; snapshot?: SnapshotSpec } {
    const entry = this.byName.get(name);
    if (!entry) throw badInput(field, `model '${name}' is not available. Use ${listValues(this.names())}.`, this.names());
    return entry;
  }

  /** The snapshot entry of a model. */
  snapshotOf(spec: ModelSpec, snapshotId: string): SnapshotSpec {
    return spec.snapshots.find((s) => s.id === snapshotId) ?? { id: snapshotId };
  }

  /** Checks size and duration against the model. @throws BAD_USER_INPUT naming the field and the allowed values. */
  checkOutput(spec: ModelSpec, size: string, seconds: number, fields = { size: 'input.size', seconds: 'input.seconds' }): void {
    const { sizes, durations } = spec.capabilities;
    if (!sizes.includes(size)) throw badInput(fields.size, `size '${size}' is not supported by ${spec.id}. Use ${listValues(sizes)}.`, sizes);
    if (!durations.includes(seconds)) throw badInput(fields.seconds, `seconds ${seconds} is not supported by ${spec.id}. Use ${listValues(durations)}.`, durations);
  }

  /** @throws BAD_USER_INPUT when the model lacks a capability the request needs. */
  requireCapability(spec: ModelSpec, capability: keyof typeof CAPABILITY_WORDS, field: string): void {
    if (spec.capabilities[capability]) return;
    const able = this.data.models.filter((m) => m.capabilities[capability]).map((m) => m.id);
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `${spec.id} does not support ${CAPABILITY_WORDS[capability]}${able.length ? `; ${listValues(able)} ${able.length > 1 ? 'do' : 'does'}` : ''}.`,
      { field, capability },
    );
  }

  /** Dollars per second for a size, or null when unknown. */
  price(spec: ModelSpec, size: string): number | null {
    const price = spec.pricePerSecond[size];
    return price === undefined ? null : price;
  }

  /** Estimated price in dollars, or null when the catalog has no price for the size. */
  estimateCost(spec: ModelSpec, size: string, seconds: number): number | null {
    const price = this.price(spec, size);
    return price === null ? null : Math.round(price * seconds * 10_000) / 10_000;
  }

  /** Deployment pins from the catalog file (alias → snapshot). */
  configPins(): Record<string, string> {
    return this.data.pins ?? {};
  }
}
