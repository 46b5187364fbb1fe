import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startAutovacuum } from './pglite-autovacuum';
import { pgliteDialect } from './pglite-dialect';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** the embedded instance, for what only it can do (backup: platform/backup) */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Both engines return the same JS types: int8 → number (ids stay far below
// 2^53), numeric → exact string (money), date → 'YYYY-MM-DD' string,
// timestamptz → Date.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export interface DatabaseOptions {
  /** PostgreSQL server URL; without it the embedded PGlite is used */
  url?: string | undefined;
  /** PGlite data directory; undefined = in memory (tests) */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PGlite: how often tables past autovacuum's thresholds are vacuumed (ms, 0 = never) */
  autovacuumMs?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      // The list and report queries look expensive to the planner but run in
      // milliseconds to a second; JIT compiling them cost 1–3 s each
      // (bench/README.md). Off for our connections only.
      options: '-c jit=off',
      // while the server is down a request waits at most this long for a
      // connection, then fails (503) instead of hanging
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    // An idle connection the server dropped (restart, admin kill) is discarded
    // by the pool; without a listener that event would crash the process.
    pool.on('error', () => {});
    // A checked-out client has no pool listener: when the server drops it
    // mid-request (restart, failover, pg_terminate_backend: 57P01) its 'error'
    // event would be unhandled and exit the process. The query in flight
    // fails with the same error (answered 503), and the pool discards the
    // broken client on release and connects anew for the next request.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    // trigram indexes for name search (migration 0008); on PostgreSQL pg_trgm
    // ships with the server's contrib modules
    extensions: { pg_trgm },
    parsers: {
      [DATE]: (v: string) => v,
      [NUMERIC]: (v: string) => v,
      [INT8]: (v: string) => Number(v),
    },
  });
  const db = new Kysely<Database>({ dialect: pgliteDialect(pglite) });
  // PGlite has no autovacuum of its own (pglite-autovacuum.ts)
  const autovacuum = startAutovacuum(db, opts.autovacuumMs ?? 30_000);
  return {
    db,
    engine: 'pglite',
    pglite,
    close: async () => {
      await autovacuum.stop();
      await db.destroy();
    },
  };
}
