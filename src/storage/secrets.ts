import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Returns a secret kept in `DATA_DIR/secrets/<name>`, creating it (0600) on first use.
 * Used only when the operator did not configure one, so the embedded mode needs no setup and
 * signed URLs stay valid across restarts. Several instances must share a configured secret.
 */
export function persistentSecret(dataDir: string, name: string, make: () => string = () => randomBytes(32).toString('base64url')): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = make();
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs so both sign alike.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8').trim();
  }
  return secret;
}
