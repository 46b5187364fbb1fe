// PostgreSQL for the benchmarks: the pg copy apps/server uses, and scratch
// databases that are always dropped again.
import type pgTypes from 'pg';
import { importFromServer, onCleanup } from './harness';

export type Pg = typeof pgTypes;

/** pg as apps/server resolves it (bench does not declare it) */
export async function loadPg(): Promise<{ pg: Pg; version: string }> {
  const { module, version } = await importFromServer<{ default: Pg }>('pg');
  return { pg: module.default, version };
}

/** runs one statement on a short-lived connection */
export async function runOnce(pg: Pg, url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A scratch database `xiangmu_bench_<pid>_<time>` on the server of
 * `adminUrl`, dropped `WITH (FORCE)` (PostgreSQL 13+) when the benchmark
 * ends however it ends. The database named in `adminUrl` is never written to.
 * Returns the scratch database's URL.
 */
export async function scratchDatabase(adminUrl: string): Promise<string> {
  const { pg } = await loadPg();
  const name = `xiangmu_bench_${process.pid}_${Date.now()}`;
  await runOnce(pg, adminUrl, `CREATE DATABASE "${name}"`);
  onCleanup(() => runOnce(pg, adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A connected client that is closed before the scratch database is dropped
 * (however the benchmark ends) and whose connection errors, such as the
 * drop terminating it, do not crash the benchmark.
 */
export async function connectClient(pg: Pg, url: string): Promise<pgTypes.Client> {
  // JIT off, as the server's own connections (db.ts)
  const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
  client.on('error', () => {});
  await client.connect();
  let ended = false;
  const end = client.end.bind(client);
  client.end = (() => {
    if (ended) return Promise.resolve();
    ended = true;
    return end();
  }) as typeof client.end;
  onCleanup(() => client.end());
  return client;
}
