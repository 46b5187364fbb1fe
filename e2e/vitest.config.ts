import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The files that share one server for the run (src/shared-server.ts) instead
 * of starting their own. A file belongs here only if its tests hold on
 * whatever the other files here leave behind, in any order: what one of
 * them adds (a user, tickets, a yearly target, a calendar correction, new
 * 节点 of one demo project) no other one counts, and what they read is
 * compared with the API at the same moment or made by the test itself under
 * its own names. Files that create projects, import, change 三个一批
 * entries or close a month (their neighbours count the demo data exactly),
 * and admin-first-login (an untouched install), keep a server of their own.
 */
const SHARED_SERVER_FILES = [
  'src/dashboard.e2e.test.ts',
  'src/district-admin.e2e.test.ts',
  'src/milestones.e2e.test.ts',
  'src/tickets.e2e.test.ts',
  'src/workbench.e2e.test.ts',
];

// Browser tests: a file starts its own server (fresh PGlite data dir), or
// uses the shared one, and its own Chromium. Files run one after another —
// two busy servers plus two browsers at once only make a small CI machine
// flaky — the shared-server files first (sequence.groupOrder; a group 0
// without file parallelism would run last).
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A browser test that fails is run once more, and fails the run only if
    // it fails again. Clean-clone runs on this 2-core machine lost a click or
    // a dialog's closing animation about once per run, each time in another
    // old test (projects, monthly-reports) that then passed on rerun. The
    // tries are recorded (src/tries.setup.ts) and the summary of
    // scripts/test.mjs lists every test that passed only on a retry
    // (docs/adr/0012-browser-test-retry.md).
    retry: 1,
    setupFiles: ['src/tries.setup.ts'],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared-server',
          include: SHARED_SERVER_FILES,
          globalSetup: ['src/shared-server.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'own-server',
          include: ['src/**/*.e2e.test.ts'],
          exclude: [...configDefaults.exclude, ...SHARED_SERVER_FILES],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
