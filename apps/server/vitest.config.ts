import { defineConfig } from 'vitest/config';

// The same suite runs twice: on embedded PGlite and on a PostgreSQL server
// (TEST_DATABASE_URL; default: the local server at 127.0.0.1:5432/test).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', '../../packages/contracts/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'pglite', env: { XIANGMU_TEST_ENGINE: 'pglite' } } },
      { extends: true, test: { name: 'postgres', env: { XIANGMU_TEST_ENGINE: 'postgres' } } },
    ],
  },
});
