/**
 * globalSetup of the "shared-server" project (vitest.config.ts): one server
 * for the run, started only when one of its files runs, passed to the tests
 * as `inject('sharedServer')` (see useE2e in fixtures.ts).
 */
import type { TestProject } from 'vitest/node';
import { requireWebBuild, startServer } from './harness';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  requireWebBuild();
  const server = await startServer();
  project.provide('sharedServer', { url: server.url, stateDir: server.stateDir });
  return () => server.stop();
}
