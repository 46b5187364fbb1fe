// `npm start`: builds what is missing or older than its sources — the web UI
// (vite) and the server bundle (esbuild) — then runs the API server
// (migrations and first-start seeding included). `--build-only` stops after
// the builds (npm run build).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildServer } from './build-server.mjs';
import { ensureNode24 } from './node24.mjs';

ensureNode24();

const root = new URL('..', import.meta.url).pathname;

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** true when `output` is missing or older than any of `sources` */
function stale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((s) => newestMtime(join(root, s)) > built);
}

const contracts = 'packages/contracts/src';
if (
  stale(join(root, 'apps/web/dist/index.html'), ['apps/web/src', 'apps/web/index.html', contracts])
) {
  console.log('正在构建前端界面 (building the web UI) …');
  const res = spawnSync('npm', ['run', 'build', '-w', 'apps/web'], { stdio: 'inherit', cwd: root });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
const serverBundle = join(root, 'apps/server/dist/api.mjs');
if (stale(serverBundle, ['apps/server/src', contracts])) await buildServer(root);

if (process.argv.includes('--build-only')) process.exit(0);

// V8 otherwise lets garbage grow the heap towards a quarter of the machine's
// memory: a 100 000-row import peaked at 770 MB RSS with 60 MB live
// (bench/README.md). A budget makes it collect sooner; raise it for
// province-wide imports, whose existing-project lookup grows with the scope.
const heapMb = process.env.XIANGMU_MAX_HEAP_MB ?? '384';
if (!/^\d+$/.test(heapMb) || Number(heapMb) < 128) {
  console.error(`XIANGMU_MAX_HEAP_MB 应为不小于128的整数（MB），当前为"${heapMb}"`);
  process.exit(2);
}
const server = spawn(
  process.execPath,
  ['--enable-source-maps', `--max-old-space-size=${heapMb}`, serverBundle],
  {
    stdio: 'inherit',
    cwd: root,
    env: { XIANGMU_WEB_DIST: join(root, 'apps/web/dist'), ...process.env },
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
