import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import type { Logger } from '../logger';

/** The repository root (the same from src/studio and from dist/studio). */
const ROOT = path.resolve(__dirname, '..', '..');
const SOURCES = path.join(ROOT, 'src', 'web');
const OPERATIONS = path.join(ROOT, 'schema', 'operations');
/** Built bundles, one folder per input hash, under the (gitignored) build output. */
const OUTPUT = path.join(ROOT, 'dist', 'web');

/** The pages the bundle has an entry for. */
export type PageName = 'studio' | 'explorer';

/** A finished build: its folder and the hash that names it (and the asset URLs). */
export interface BuiltBundle {
  hash: string;
  dir: string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Hash of everything the bundle is made from: the browser sources, the example operations, the
 * lockfile (library versions) and the esbuild version. Equal hash, equal bundle.
 */
export function inputHash(esbuildVersion: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  const inputs = [...filesUnder(SOURCES), ...filesUnder(OPERATIONS), path.join(ROOT, 'package-lock.json'), __filename];
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash.update(`${path.relative(ROOT, file)}\n`).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/** `import operations from 'reelgraph:operations'`: the files of schema/operations as `{file, query}`. */
const operationsPlugin: Plugin = {
  name: 'reelgraph-operations',
  setup(build) {
    build.onResolve({ filter: /^reelgraph:operations$/ }, () => ({ path: 'operations', namespace: 'reelgraph' }));
    build.onLoad({ filter: /.*/, namespace: 'reelgraph' }, async () => {
      const files = (await readdir(OPERATIONS)).filter((f) => f.endsWith('.graphql')).sort();
      const operations = await Promise.all(files.map(async (f) => ({ file: `schema/operations/${f}`, query: await readFile(path.join(OPERATIONS, f), 'utf8') })));
      return { contents: JSON.stringify(operations), loader: 'json', watchFiles: files.map((f) => path.join(OPERATIONS, f)) };
    });
  },
};

/**
 * The studio and explorer bundle, built with esbuild from src/web when missing or stale, so a
 * fresh clone serves pages after `npm install && npm start` with no build step. Builds go to a
 * temporary folder renamed into place, so parallel processes never see a half-written bundle.
 */
export class WebBundle {
  private building: Promise<BuiltBundle> | undefined;

  constructor(private readonly logger: Logger) {}

  /** The current bundle, building it on first use (later calls share the same promise). */
  ready(): Promise<BuiltBundle> {
    this.building ??= this.build().catch((error: unknown) => {
      this.logger.error({ err: error }, 'the studio and explorer bundle could not be built');
      this.building = undefined; // the next request tries again (e.g. after fixing a source file)
      throw error;
    });
    return this.building;
  }

  private async build(): Promise<BuiltBundle> {
    const esbuild = await import('esbuild');
    const hash = inputHash(esbuild.version);
    const dir = path.join(OUTPUT, hash);
    if (existsSync(path.join(dir, 'studio.js'))) return { hash, dir };

    const started = Date.now();
    await mkdir(OUTPUT, { recursive: true });
    const tmp = await mkdtemp(path.join(OUTPUT, `.build-${hash}-`));
    try {
      await esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: { studio: path.join(SOURCES, 'studio', 'main.ts'), explorer: path.join(SOURCES, 'explorer', 'main.tsx') },
        outdir: tmp,
        bundle: true,
        minify: true,
        sourcemap: 'linked',
        legalComments: 'linked',
        format: 'iife',
        target: ['chrome111', 'firefox115', 'safari16.4'],
        tsconfig: path.join(SOURCES, 'tsconfig.json'),
        jsx: 'automatic',
        define: { 'process.env.NODE_ENV': '"production"' },
        loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
        assetNames: '[name]-[hash]',
        plugins: [operationsPlugin],
        logLevel: 'silent',
      });
      await chmod(tmp, 0o755); // mkdtemp makes it private; the server may run as another user than the builder
      await rename(tmp, dir).catch(async (error: NodeJS.ErrnoException) => {
        // Another process finished the same build first: theirs is identical.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        await rm(tmp, { recursive: true, force: true });
      });
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
    this.logger.info({ hash, ms: Date.now() - started }, 'built the studio and explorer bundle');
    await this.removeOldBuilds(hash);
    return { hash, dir };
  }

  /** Keeps the output folder from growing with every source change; a build in progress elsewhere is left alone. */
  private async removeOldBuilds(current: string): Promise<void> {
    const entries = await readdir(OUTPUT).catch(() => []);
    await Promise.all(entries.filter((name) => name !== current && /^[0-9a-f]{16}$/.test(name)).map((name) => rm(path.join(OUTPUT, name), { recursive: true, force: true }).catch(() => undefined)));
  }
}
