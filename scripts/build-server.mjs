// Bundles the server's own TypeScript (and the contracts) into one ES module,
// so a start does not transform ~50 files through tsx. Packages stay external:
// PGlite's WASM, argon2's binary and swagger-ui's assets load from node_modules.
import { build } from 'esbuild';

export const serverEntries = {
  api: 'apps/server/src/entrypoints/api.ts',
  worker: 'apps/server/src/entrypoints/worker.ts',
  cli: 'apps/server/src/entrypoints/cli.ts',
};

export async function buildServer(root) {
  await build({
    absWorkingDir: root,
    entryPoints: serverEntries,
    outdir: 'apps/server/dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // @xiangmu/contracts is our own source: bundle it
    alias: { '@xiangmu/contracts': './packages/contracts/src/index.ts' },
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildServer(new URL('..', import.meta.url).pathname);
  console.log('built apps/server/dist');
}
