import path from 'node:path';
import type { Config } from '../config';
import { type Emulator, startEmulator } from '../emulator';
import type { Logger } from '../logger';
import { UpstreamClient } from '../upstream/client';
import { Upstreams } from '../upstream/upstreams';

/** The configured upstream, or the embedded emulator on a loopback port when no key is set. */
export async function connectUpstreams(config: Config, logger: Logger): Promise<{ upstreams: Upstreams; emulator?: Emulator }> {
  if (config.upstream.mode === 'remote') {
    const client = new UpstreamClient({ name: 'default', baseURL: config.upstream.baseURL, apiKey: config.upstream.apiKey });
    return { upstreams: new Upstreams([client], 'default') };
  }
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    dataDir: path.join(config.dataDir, 'emulator'),
    cachedRender: config.emulator.cachedRender,
    strictContract: config.emulator.strictContract,
    assetTtlSeconds: config.emulator.assetTtlSeconds,
    logger: logger.child({ component: 'emulator' }),
  });
  const client = new UpstreamClient({ name: 'embedded', baseURL: emulator.baseURL, apiKey: 'reelgraph-embedded' });
  return { upstreams: new Upstreams([client], 'embedded'), emulator };
}
