import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect } from 'kysely';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Kysely over embedded PGlite. PGlite is a single database session, so this
 * "pool" hands out its one connection to one borrower at a time: a
 * transaction holds it, and every other query waits until the transaction
 * ends. (Waiting on a second connection while holding a transaction
 * therefore hangs here — which is how the PGlite test run catches that bug.)
 */
export function pgliteDialect(pglite: PGlite): PostgresDialect {
  let busy = false;
  const waiters: Array<() => void> = [];

  const client: PostgresPoolClient = {
    async query<R>(sql: string, parameters: ReadonlyArray<unknown>) {
      // Without parameters use the simple protocol, as node-postgres does, so
      // a migration may hold several statements.
      const res =
        parameters.length === 0
          ? ((await pglite.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
          : await pglite.query<R>(sql, parameters as unknown[]);
      const command = (sql.trim().split(/\s+/)[0] ?? '').toUpperCase();
      return {
        command: command as PostgresQueryResult<R>['command'],
        rowCount: res.affectedRows ?? 0,
        rows: res.rows as R[],
      } satisfies PostgresQueryResult<R>;
    },
    release() {
      const next = waiters.shift();
      if (next) next();
      else busy = false;
    },
  } as PostgresPoolClient;

  const pool: PostgresPool = {
    async connect() {
      if (busy) await new Promise<void>((resolve) => waiters.push(resolve));
      busy = true;
      return client;
    },
    async end() {
      await pglite.close();
    },
  };
  return new PostgresDialect({ pool });
}
