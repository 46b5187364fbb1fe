// `npm test`: the whole suite, as CI runs it.
//  1. server tests on embedded PGlite and on the PostgreSQL server
//     (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
//  2. browser tests in Chromium against a freshly built web UI
// Ends with one line "N passed, N failed" over everything, after the list of
// the tests that failed and then passed on a retry ("N passed (M only on
// retry), N failed"; docs/adr/0012-browser-test-retry.md).
// `node scripts/test.mjs --summary [dir]` prints that summary again from the
// JSON reports of the last run (or those in dir), running nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureNode24 } from './node24.mjs';

ensureNode24();

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'node_modules/.cache/xiangmu-test');

const suites = [
  { name: 'server (PGlite + PostgreSQL)', dir: 'apps/server', config: 'vitest.config.ts' },
  {
    name: 'browser (Chromium)',
    dir: 'e2e',
    config: 'vitest.config.ts',
    before: ['npm', ['run', 'build', '-w', 'apps/web']],
  },
];
/** where a suite's vitest JSON report goes */
const reportOf = (suite, dir = out) => join(dir, `${suite.dir.replace('/', '-')}.json`);

/** The first line of an error as vitest reports it (a stack or a message), without colours. */
function firstLine(message) {
  // eslint-disable-next-line no-control-regex -- the ANSI colour codes of the message
  const text = String(message).replace(/\x1b\[[0-9;]*m/g, '');
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.trim().length > 200 ? `${line.trim().slice(0, 199)}…` : line.trim();
}

/**
 * The tests of a vitest JSON report that passed only after failing: vitest
 * keeps the errors of the failed tries of a test that passed at last. How
 * many tries: e2e records it (meta.tries, e2e/src/tries.setup.ts); else one
 * try per error is the best guess.
 */
function passedOnRetry(report) {
  const found = [];
  for (const file of report.testResults ?? [])
    for (const t of file.assertionResults ?? []) {
      const errors = t.failureMessages ?? [];
      if (t.status !== 'passed' || errors.length === 0) continue;
      found.push({
        file: relative(root, file.name),
        test: [...(t.ancestorTitles ?? []), t.title].join(' › '),
        tries: t.meta?.tries ?? errors.length + 1,
        error: firstLine(errors[0]),
      });
    }
  return found;
}

/** Counts over the suites' reports; a missing or empty report breaks the run. */
function summarize(dir = out) {
  let passed = 0;
  let failed = 0;
  let broken = false;
  const flaky = [];
  for (const s of suites) {
    try {
      const r = JSON.parse(readFileSync(reportOf(s, dir), 'utf8'));
      passed += r.numPassedTests;
      failed += r.numFailedTests;
      if (r.numTotalTests === 0) broken = true;
      flaky.push(...passedOnRetry(r));
    } catch {
      broken = true;
    }
  }
  return { passed, failed, broken, flaky };
}

function printSummary({ passed, failed, flaky }) {
  if (flaky.length > 0) {
    console.log('\npassed only on retry — flaky, to be fixed:');
    for (const f of flaky)
      console.log(`  ${f.file} › ${f.test} (${f.tries} tries)\n      first error: ${f.error}`);
  }
  const retried = flaky.length > 0 ? ` (${flaky.length} only on retry)` : '';
  console.log(`\n${passed} passed${retried}, ${failed} failed`);
}

if (process.argv[2] === '--summary') {
  const dir = process.argv[3] ?? out;
  if (!existsSync(dir)) {
    console.error(`no reports in ${dir}`);
    process.exit(1);
  }
  const summary = summarize(dir);
  printSummary(summary);
  process.exit(summary.broken || summary.failed > 0 ? 1 : 0);
}

const { default: pg } = await import('pg');
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

let broken = false;
for (const s of suites) {
  console.log(`\n=== ${s.name} ===`);
  if (s.before && run(...s.before) !== 0) {
    console.error(`${s.name}: preparation failed`);
    broken = true;
    continue;
  }
  const report = reportOf(s);
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
  if (status !== 0) broken = true;
}

const summary = summarize();
printSummary(summary);
process.exit(broken || summary.broken || summary.failed > 0 ? 1 : 0);
