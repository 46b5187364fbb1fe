// Side-effect-free paths and resolution, shared by the benchmarks and the
// child processes they start.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const startScript = join(repoRoot, 'scripts/start.mjs');
/** what `npm start` runs (without npm's own wrapper); build first with `prepareBuild` */
export const apiCommand = [process.execPath, startScript] as const;
/**
 * The server bundle itself, as start.mjs runs it, without start.mjs's
 * staleness checks (which would rebuild a web UI whose sources are newer);
 * build it first with `prepareServerBuild`.
 */
export const bundleCommand = [
  process.execPath,
  '--enable-source-maps',
  join(repoRoot, 'apps/server/dist/api.mjs'),
] as const;
export const webDist = join(repoRoot, 'apps/web/dist');
/** all benchmark traffic stays on the loopback interface */
export const HOST = '127.0.0.1';

/**
 * Imports a package the way apps/server resolves it, so the benchmark uses
 * the very copy the server runs (fastify for the bare route, pg for scratch
 * databases) without declaring a second dependency on it.
 */
export async function importFromServer<T>(
  specifier: string,
): Promise<{ module: T; version: string }> {
  const req = createRequire(join(repoRoot, 'apps/server/package.json'));
  const entry = req.resolve(specifier);
  return { module: (await import(pathToFileURL(entry).href)) as T, version: versionOf(entry) };
}

/** the version in the package.json above `entry` (some packages do not export it) */
function versionOf(entry: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name && pkg.version) return pkg.version;
  }
  return 'unknown';
}
