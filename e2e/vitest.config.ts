import { defineConfig } from 'vitest/config';

// Browser tests: each file starts its own server (fresh PGlite data dir) and
// Chromium. Files run one after another — two servers plus two browsers at
// once only make a small CI machine flaky.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
