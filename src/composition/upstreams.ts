import path from 'node:path';
import { type Config, ConfigError } from '../config';
import { type Emulator, startEmulator } from '../emulator';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics/metrics';
import type { ModelCatalog } from '../modules/models/catalog';
import { UpstreamClient } from '../upstream/client';
import { Upstreams } from '../upstream/upstreams';

/** Name of the upstream configured by OPENAI_BASE_URL/OPENAI_API_KEY (or embedded). */
export const DEFAULT_UPSTREAM = 'default';

/**
 * One `openai` client per upstream of the catalog. `default` is OPENAI_BASE_URL + OPENAI_API_KEY,
 * or, with no key, the embedded emulator on a loopback port; every other upstream has its own
 * base URL and reads its key from the variable the catalog names.
 */
export async function connectUpstreams(config: Config, catalog: ModelCatalog, logger: Logger, metrics?: Metrics): Promise<{ upstreams: Upstreams; emulator?: Emulator }> {
  const observed = (name: string) => (metrics ? { onCall: (outcome: string, seconds: number) => metrics.observeUpstream(name, outcome, seconds) } : {});
  const missing = catalog.data.upstreams.filter((u) => u.name !== DEFAULT_UPSTREAM && !process.env[u.apiKeyEnv as string]);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((u) => `${u.apiKeyEnv} must hold the API key of upstream '${u.name}' (named in the model catalog)`));
  }
  const clients = catalog.data.upstreams
    .filter((u) => u.name !== DEFAULT_UPSTREAM)
    .map((u) => new UpstreamClient({ name: u.name, baseURL: u.baseUrl as string, apiKey: process.env[u.apiKeyEnv as string] as string, ...observed(u.name) }));
  if (config.upstream.mode === 'remote') {
    clients.push(new UpstreamClient({ name: DEFAULT_UPSTREAM, baseURL: config.upstream.baseURL, apiKey: config.upstream.apiKey, ...observed(DEFAULT_UPSTREAM) }));
    return { upstreams: new Upstreams(clients, DEFAULT_UPSTREAM) };
  }
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    dataDir: path.join(config.dataDir, 'emulator'),
    cachedRender: config.emulator.cachedRender,
    strictContract: config.emulator.strictContract,
    assetTtlSeconds: config.emulator.assetTtlSeconds,
    timing: { minRenderMs: config.emulator.minRenderMs },
    logger: logger.child({ component: 'emulator' }),
  });
  clients.push(new UpstreamClient({ name: DEFAULT_UPSTREAM, baseURL: emulator.baseURL, apiKey: 'reelgraph-embedded', ...observed(DEFAULT_UPSTREAM) }));
  return { upstreams: new Upstreams(clients, DEFAULT_UPSTREAM), emulator };
}
