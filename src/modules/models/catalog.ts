import { badInput, listValues } from '../../errors';
import defaultCatalog from './default-catalog.json';

/** One model family (an alias such as `sora-2`) and what it accepts. */
export interface ModelSpec {
  id: string;
  displayName: string;
  defaultSnapshot: string;
  snapshots: { id: string; released: string }[];
  sizes: string[];
  durations: number[];
  /** Dollars per second by size; null where no price is published. */
  pricePerSecond: Record<string, number | null>;
}

/** The catalog file's shape. */
export interface CatalogData {
  models: ModelSpec[];
}

/** A model name resolved against the catalog. */
export interface ResolvedModel {
  spec: ModelSpec;
  /** The snapshot that will run. */
  snapshot: string;
}

/**
 * The catalog of models: every validation of model, size and duration reads it, so narrowing
 * what an upstream accepts is a data change, not a code change.
 */
export class ModelCatalog {
  private readonly byName = new Map<string, { spec: ModelSpec; snapshot?: string }>();

  constructor(readonly data: CatalogData = defaultCatalog as CatalogData) {
    for (const spec of data.models) {
      this.byName.set(spec.id, { spec });
      for (const snap of spec.snapshots) this.byName.set(snap.id, { spec, snapshot: snap.id });
    }
  }

  /** Every name a client may ask for: aliases, then snapshots. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * Resolves an alias or snapshot name. @throws BAD_USER_INPUT listing the accepted names.
   */
  resolve(model: string, field = 'input.model'): ResolvedModel {
    const entry = this.byName.get(model);
    if (!entry) throw badInput(field, `model '${model}' is not available. Use ${listValues(this.names())}.`, this.names());
    return { spec: entry.spec, snapshot: entry.snapshot ?? entry.spec.defaultSnapshot };
  }

  /** Checks size and duration against the model. @throws BAD_USER_INPUT naming the field and the allowed values. */
  checkOutput(resolved: ResolvedModel, size: string, seconds: number, fields = { size: 'input.size', seconds: 'input.seconds' }): void {
    const { spec } = resolved;
    if (!spec.sizes.includes(size)) {
      throw badInput(fields.size, `size '${size}' is not supported by ${spec.id}. Use ${listValues(spec.sizes)}.`, spec.sizes);
    }
    if (!spec.durations.includes(seconds)) {
      throw badInput(fields.seconds, `seconds ${seconds} is not supported by ${spec.id}. Use ${listValues(spec.durations)}.`, spec.durations);
    }
  }

  /** Estimated price in dollars, or null when the catalog has no price for the size. */
  estimateCost(resolved: ResolvedModel, size: string, seconds: number): number | null {
    const price = resolved.spec.pricePerSecond[size];
    return price === null || price === undefined ? null : Math.round(price * seconds * 10_000) / 10_000;
  }
}
