/**
 * The model catalog file: what models exist, what they accept, what they cost, when they stop,
 * and which upstream serves them. Shipped as `default-catalog.json`; an operator replaces it with
 * `MODEL_CATALOG_FILE` (same shape) without touching code.
 */

/** An OpenAI-compatible Videos API. */
export interface UpstreamSpec {
  /** Name recorded on every job sent to it. `default` is the upstream of OPENAI_BASE_URL/OPENAI_API_KEY (or the embedded emulator). */
  name: string;
  /** Base URL including `/v1`. Not used for `default`. */
  baseUrl?: string | null;
  /** Name of the environment variable holding its key (the key itself never goes in the file). */
  apiKeyEnv?: string | null;
}

/** Dates are `YYYY-MM-DD` (UTC). */
export interface Lifecycle {
  released?: string | null;
  /** From this date requests succeed with a warning naming the replacement and the shutdown date. */
  deprecated?: string | null;
  /** From this date requests are refused. */
  shutdown?: string | null;
  /** What to move to (a model or snapshot id). */
  replacement?: string | null;
}

export interface SnapshotSpec extends Lifecycle {
  id: string;
}

/** What a model can do. */
export interface Capabilities {
  sizes: string[];
  durations: number[];
  extensions: boolean;
  edits: boolean;
  remix: boolean;
  characters: boolean;
  referenceImages: boolean;
  batch: boolean;
}

export interface ModelSpec {
  /** The alias clients ask for, e.g. `sora-2`. */
  id: string;
  displayName: string;
  upstream: string;
  snapshots: SnapshotSpec[];
  /** What the alias resolves to when nothing is pinned. */
  defaultSnapshot: string;
  capabilities: Capabilities;
  /** Dollars per second of output by size; null where no price is published. */
  pricePerSecond: Record<string, number | null>;
  lifecycle: Lifecycle;
}

export interface CatalogData {
  upstreams: UpstreamSpec[];
  models: ModelSpec[];
  /** Deployment pins: alias → snapshot (`MODEL_PINS` overrides these). */
  pins?: Record<string, string>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SIZE = /^\d+x\d+$/;

/**
 * Checks a catalog and returns every problem with its path, so an operator's file is fixed in
 * one go. An empty list means valid.
 */
export function catalogProblems(data: unknown): string[] {
  const problems: string[] = [];
  const catalog = data as Partial<CatalogData>;
  if (!catalog || typeof catalog !== 'object') return ['the catalog must be a JSON object with "upstreams" and "models"'];
  if (!Array.isArray(catalog.upstreams) || catalog.upstreams.length === 0) problems.push('upstreams: must list at least one upstream');
  if (!Array.isArray(catalog.models) || catalog.models.length === 0) problems.push('models: must list at least one model');
  if (problems.length > 0) return problems;

  const upstreamNames = new Set<string>();
  catalog.upstreams!.forEach((u, i) => {
    if (!u?.name || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(u.name)) problems.push(`upstreams[${i}].name: must be 1 to 64 lowercase letters, digits, - or _`);
    else if (upstreamNames.has(u.name)) problems.push(`upstreams[${i}].name: '${u.name}' is listed twice`);
    else upstreamNames.add(u.name);
    if (u?.name !== 'default') {
      if (!u?.baseUrl || !/^https?:\/\//.test(u.baseUrl)) problems.push(`upstreams[${i}].baseUrl: must be an http(s) URL`);
      if (!u?.apiKeyEnv || !/^[A-Z_][A-Z0-9_]*$/.test(u.apiKeyEnv)) problems.push(`upstreams[${i}].apiKeyEnv: must name an environment variable`);
    }
  });

  const ids = new Set<string>();
  catalog.models!.forEach((m, i) => {
    const at = `models[${i}]`;
    if (!m?.id) {
      problems.push(`${at}.id: required`);
      return;
    }
    for (const id of [m.id, ...(m.snapshots ?? []).map((s) => s?.id)]) {
      if (ids.has(id)) problems.push(`${at}: '${id}' is used by another model or snapshot`);
      ids.add(id);
    }
    if (!upstreamNames.has(m.upstream)) problems.push(`${at}.upstream: '${m.upstream}' is not one of the upstreams`);
    if (!Array.isArray(m.snapshots) || m.snapshots.length === 0) problems.push(`${at}.snapshots: must list at least one snapshot`);
    else if (!m.snapshots.some((s) => s.id === m.defaultSnapshot)) problems.push(`${at}.defaultSnapshot: '${m.defaultSnapshot}' is not one of its snapshots`);
    const caps = m.capabilities;
    if (!caps) problems.push(`${at}.capabilities: required`);
    else {
      if (!Array.isArray(caps.sizes) || caps.sizes.length === 0 || caps.sizes.some((s) => !SIZE.test(s))) problems.push(`${at}.capabilities.sizes: must list sizes like "1280x720"`);
      if (!Array.isArray(caps.durations) || caps.durations.length === 0 || caps.durations.some((d) => !Number.isInteger(d) || d <= 0)) problems.push(`${at}.capabilities.durations: must list whole seconds`);
      for (const flag of ['extensions', 'edits', 'remix', 'characters', 'referenceImages', 'batch'] as const) {
        if (typeof caps[flag] !== 'boolean') problems.push(`${at}.capabilities.${flag}: must be true or false`);
      }
      for (const size of caps.sizes ?? []) {
        const price = m.pricePerSecond?.[size];
        if (price !== null && (typeof price !== 'number' || price < 0)) problems.push(`${at}.pricePerSecond.${size}: must be a price in dollars or null (unknown)`);
      }
    }
    for (const [where, life] of [[`${at}.lifecycle`, m.lifecycle], ...(m.snapshots ?? []).map((s, j) => [`${at}.snapshots[${j}]`, s] as const)] as const) {
      for (const key of ['released', 'deprecated', 'shutdown'] as const) {
        const value = (life as Lifecycle | undefined)?.[key];
        if (value !== undefined && value !== null && !DATE.test(value)) problems.push(`${where}.${key}: must be a date YYYY-MM-DD`);
      }
    }
  });
  for (const [alias, snapshot] of Object.entries(catalog.pins ?? {})) {
    const model = catalog.models!.find((m) => m.id === alias);
    if (!model) problems.push(`pins.${alias}: not a model alias`);
    else if (!model.snapshots?.some((s) => s.id === snapshot)) problems.push(`pins.${alias}: '${snapshot}' is not a snapshot of ${alias}`);
  }
  return problems;
}
