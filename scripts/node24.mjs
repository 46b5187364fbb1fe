// Node 24 LTS is our runtime (package.json engines). Started by an older node,
// `npm start` and `npm test` run themselves again under the Node 24 that
// scripts/node24.sh brings from the npm registry, so the README's two commands
// still do everything on a machine that has only Node 20.
import { spawnSync } from 'node:child_process';

export function ensureNode24() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return;
  console.log(`node ${process.version} 已过维护期，改用 Node 24 运行 (re-running under Node 24) …`);
  const root = new URL('..', import.meta.url).pathname;
  const res = spawnSync(
    'bash',
    ['-c', '. scripts/node24.sh && exec node "$@"', 'node24', ...process.argv.slice(1)],
    { stdio: 'inherit', cwd: root },
  );
  process.exit(res.status ?? 1);
}
