import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect } from 'kysely';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { isBackground, onRequestsIdle, requestsInFlight } from './background';

/**
 * How long background work may wait behind requests before it takes its
 * turn anyway: under a load that never lets up a job still moves, and a
 * request waits for at most one of its batches a second.
 */
export const BACKGROUND_MAX_WAIT_MS = 1_000;

/**
 * Kysely over embedded PGlite. PGlite is a single database session, so this
 * "pool" hands out its one connection to one borrower at a time: a
 * transaction holds it, and every other query waits until the transaction
 * ends. (Waiting on a second connection while holding a transaction
 * therefore hangs here — which is how the PGlite test run catches that bug.)
 *
 * Requests go first (issue 14.5): a borrower marked as background (a job's
 * batch, inBackground) gets the connection only while no request is in
 * flight, or once it has waited `backgroundMaxWaitMs`. So a request waits
 * for at most the one batch that held the connection when it came, however
 * long the job.
 */
export function pgliteDialect(
  pglite: PGlite,
  opts: { backgroundMaxWaitMs?: number } = {},
): PostgresDialect {
  const maxWait = opts.backgroundMaxWaitMs ?? BACKGROUND_MAX_WAIT_MS;
  let busy = false;
  const requests: Array<() => void> = [];
  const background: Array<{ since: number; resume: () => void }> = [];
  let agingTimer: NodeJS.Timeout | undefined;

  /** Hands the free connection to the next borrower, if one may have it now. */
  const dispatch = () => {
    if (busy) return;
    const resume =
      (aged() ? background.shift()?.resume : undefined) ?? requests.shift() ?? backgroundTurn();
    if (!resume) return;
    busy = true;
    resume();
  };
  const aged = () => {
    const oldest = background[0];
    return oldest !== undefined && performance.now() - oldest.since >= maxWait;
  };
  /** The oldest background borrower, when no request is in flight. */
  const backgroundTurn = () => {
    const oldest = background[0];
    if (!oldest) return undefined;
    if (requestsInFlight() === 0) return background.shift()!.resume;
    // a request is in flight but not at the connection: come back at the latest then
    clearTimeout(agingTimer);
    agingTimer = setTimeout(dispatch, maxWait - (performance.now() - oldest.since));
    agingTimer.unref();
    return undefined;
  };
  const stopListening = onRequestsIdle(dispatch);

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
      busy = false;
      dispatch();
    },
  } as PostgresPoolClient;

  const pool: PostgresPool = {
    connect() {
      return new Promise<PostgresPoolClient>((resolve) => {
        const resume = () => resolve(client);
        if (isBackground()) background.push({ since: performance.now(), resume });
        else requests.push(resume);
        dispatch();
      });
    },
    async end() {
      stopListening();
      clearTimeout(agingTimer);
      await pglite.close();
    },
  };
  return new PostgresDialect({ pool });
}
