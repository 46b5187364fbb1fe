// `npm test`: the whole suite, as CI runs it.
//  1. server tests on embedded PGlite and on the PostgreSQL server
//     (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
//  2. browser tests in Chromium against a freshly built web UI
// Ends with one line "N passed, N failed" over everything.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'node_modules/.cache/xiangmu-test');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
try {
  const c = new pg.Client({
    connectionString: process.env.TEST_DATABASE_URL,
    connectionTimeoutMillis: 5000,
  });
  await c.connect();
  await c.end();
} catch (err) {
  console.error(
    `无法连接测试用 PostgreSQL (${process.env.TEST_DATABASE_URL}): ${err.message}\n` +
      'Start it (e.g. pg_ctlcluster 15 main start) or set TEST_DATABASE_URL.',
  );
  process.exit(1);
}

const run = (cmd, args, cwd = root) =>
  spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env }).status;

const suites = [
  { name: 'server (PGlite + PostgreSQL)', dir: 'apps/server', config: 'vitest.config.ts' },
  {
    name: 'browser (Chromium)',
    dir: 'e2e',
    config: 'vitest.config.ts',
    before: ['npm', ['run', 'build', '-w', 'apps/web']],
  },
];

let passed = 0;
let failed = 0;
let broken = false;
for (const s of suites) {
  console.log(`\n=== ${s.name} ===`);
  if (s.before && run(...s.before) !== 0) {
    console.error(`${s.name}: preparation failed`);
    broken = true;
    continue;
  }
  const report = join(out, `${s.dir.replace('/', '-')}.json`);
  const status = run(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      s.config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    join(root, s.dir),
  );
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    if (r.numTotalTests === 0) broken = true;
  } catch {
    broken = true;
  }
  if (status !== 0) broken = true;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
