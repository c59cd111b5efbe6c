import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ulid } from '../ids';

/**
 * Asset storage on the local filesystem (DATA_DIR/media). Keys are relative paths such as
 * `<tenant>/<video>/video.mp4`. Writes go to a temporary file that is renamed into place, so a
 * reader never sees half a file and a crash leaves no partial asset under a real key.
 */
export class LocalStorage {
  constructor(readonly root: string) {}

  /** Absolute path of a key. Rejects keys that would escape the storage root. */
  pathOf(key: string): string {
    const full = path.resolve(this.root, key);
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`invalid storage key: ${key}`);
    return full;
  }

  /** Streams `body` to `key`; returns the number of bytes stored. */
  async write(key: string, body: Readable | WebReadableStream<Uint8Array> | Buffer): Promise<number> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${ulid()}.part`;
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body instanceof Readable ? body : Readable.fromWeb(body);
      await pipeline(source, createWriteStream(temp, { mode: 0o640 }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return (await stat(target)).size;
  }

  /** A fresh path for a temporary file inside the storage root (same filesystem, so it can be renamed in). */
  async tempFile(): Promise<string> {
    const dir = path.join(this.root, '.tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${ulid()}.part`);
  }

  /**
   * Deletes temporary files nobody has written to for `maxIdleMs`: what a process that died
   * mid-upload left behind. Only old ones, never all: instances sharing DATA_DIR write here too,
   * and a live upload touches its file with every chunk, so its modification time stays recent.
   * @returns how many files were removed.
   */
  async sweepTemp(maxIdleMs: number, now = Date.now()): Promise<number> {
    const dir = path.join(this.root, '.tmp');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      // Gone already (the upload finished, or another instance swept it), or still in use.
      if (!info || now - info.mtimeMs < maxIdleMs) continue;
      await rm(file, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  /**
   * Sweeps `.tmp` now (awaited, so a restart starts clean of what is old enough) and then every
   * `maxIdleMs / 2`, so files a crash left younger than that go too. Returns the stopper.
   */
  async startTempSweeper(maxIdleMs: number, onError: (error: unknown) => void): Promise<() => void> {
    await this.sweepTemp(maxIdleMs);
    const timer = setInterval(() => void this.sweepTemp(maxIdleMs).catch(onError), maxIdleMs / 2);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Moves a finished temporary file to `key`. */
  async adopt(tempFile: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tempFile, target);
  }

  /** Size in bytes, or undefined when the key holds nothing. */
  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return undefined;
    }
  }

  /** Removes a key or a whole prefix (a folder); missing is fine. */
  async remove(keyOrPrefix: string): Promise<void> {
    await rm(this.pathOf(keyOrPrefix), { recursive: true, force: true });
  }
}
