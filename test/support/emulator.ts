import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator';

/** An emulator running in the test process, as a remote upstream would (it outlives servers). */
export interface StandaloneEmulator {
  emulator: Emulator;
  /** Environment that points a Reelgraph server at it. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts an emulator on a free port with its own temp data dir. */
export async function standaloneEmulator(options: Partial<EmulatorOptions> = {}): Promise<StandaloneEmulator> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelgraph-emu-'));
  const emulator = await startEmulator({ port: 0, dataDir, ...options });
  return {
    emulator,
    env: { OPENAI_API_KEY: 'sk-test-standalone', OPENAI_BASE_URL: emulator.baseURL },
    close: async () => {
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
