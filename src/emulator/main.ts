/**
 * Standalone entry: `npm run emulator`. Reads `EMULATOR_*` variables (docs/emulator.md), prints
 * where it listens, and closes cleanly on SIGINT/SIGTERM. Never prints secrets or the API key.
 */
import { ConfigError, optionsFromEnv } from './config';
import { startEmulator } from './index';

async function main(): Promise<void> {
  let options;
  try {
    options = optionsFromEnv(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`emulator: invalid configuration: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  const logger = {
    info: (...a: unknown[]) => console.log('[emulator]', ...a),
    warn: (...a: unknown[]) => console.warn('[emulator]', ...a),
    error: (...a: unknown[]) => console.error('[emulator]', ...a),
  };
  const emulator = await startEmulator({ ...options, logger });
  console.log(`Videos API emulator listening on ${emulator.origin} (OpenAI baseURL: ${emulator.baseURL})`);
  console.log(`  data dir: ${options.dataDir}`);
  console.log(`  auth: ${options.apiKey ? 'EMULATOR_API_KEY required' : 'any non-empty bearer key'}`);
  console.log(`  webhooks: ${options.webhook ? `POST ${options.webhook.url} (signed)` : 'off'}`);
  console.log('  fault control: GET/PUT/DELETE /_emulator/faults (loopback only)');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`emulator: ${signal}, shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('emulator: error while closing:', e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error('emulator: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
