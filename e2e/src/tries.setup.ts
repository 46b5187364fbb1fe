/**
 * Records in the test's meta how many tries a retried test took
 * (`meta.tries`, in the JSON report), for the summary of scripts/test.mjs:
 * a test that passed only on a retry is listed there as flaky
 * (docs/adr/0012-browser-test-retry.md).
 */
import { afterEach } from 'vitest';

afterEach(({ task }) => {
  const retries = task.result?.retryCount ?? 0;
  if (retries > 0) task.meta.tries = retries + 1;
});

declare module 'vitest' {
  interface TaskMeta {
    tries?: number;
  }
}
