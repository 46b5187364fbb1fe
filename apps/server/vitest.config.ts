import { configDefaults, defineConfig } from 'vitest/config';

// The same suite runs twice: on embedded PGlite and on a PostgreSQL server
// (TEST_DATABASE_URL; default: the local server at 127.0.0.1:5432/test).
// *.postgres.test.ts are about a PostgreSQL server itself and run once, in
// the postgres project; *.pglite.test.ts are about PGlite alone.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', '../../packages/contracts/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          exclude: [...configDefaults.exclude, 'src/**/*.postgres.test.ts'],
          env: { XIANGMU_TEST_ENGINE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          exclude: [...configDefaults.exclude, 'src/**/*.pglite.test.ts'],
          env: { XIANGMU_TEST_ENGINE: 'postgres' },
        },
      },
    ],
  },
});
