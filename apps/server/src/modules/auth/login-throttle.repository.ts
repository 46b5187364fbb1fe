import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';
import type { LoginThrottleTable, ThrottleScope } from './login-throttle.table';

export type ThrottleRow = Omit<LoginThrottleTable, 'id'> & { id: number };

/** The pair, address and name rows one login attempt depends on, in one query. */
export const findRows = (db: Db, address: string, username: string) =>
  db
    .selectFrom('login_throttle')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([
          eb('scope', '=', 'pair'),
          eb('address', '=', address),
          eb('username', '=', username),
        ]),
        eb.and([eb('scope', '=', 'address'), eb('address', '=', address), eb('username', '=', '')]),
        eb.and([eb('scope', '=', 'name'), eb('address', '=', ''), eb('username', '=', username)]),
      ]),
    )
    .execute();

/**
 * Counts one failure in one statement, so concurrent guesses cannot lose a
 * count. windowMs null: failures never expire (an account-style lock that
 * re-locks on the next failure, like users.failed_attempts); limit null: no block.
 */
export async function recordFailure(
  db: Db,
  key: { scope: ThrottleScope; address: string; username: string },
  rule: { windowMs: number | null; limit: number | null; blockMs: number },
  now: Date,
): Promise<ThrottleRow> {
  const cutoff = rule.windowMs === null ? new Date(0) : new Date(now.getTime() - rule.windowMs);
  const until = new Date(now.getTime() + rule.blockMs);
  const limit = rule.limit ?? 2_147_483_647;
  const expired = sql<boolean>`login_throttle.window_started_at <= ${cutoff}::timestamptz`;
  const next = sql<number>`case when ${expired} then 1 else login_throttle.failures + 1 end`;
  const res = await sql<ThrottleRow>`
    insert into login_throttle
      (scope, address, username, failures, window_started_at, last_failed_at, blocked_until)
    values (${key.scope}, ${key.address}, ${key.username}, 1, ${now}::timestamptz, ${now}::timestamptz,
      case when 1 >= ${limit}::int then ${until}::timestamptz end)
    on conflict (scope, address, username) do update set
      failures = ${next},
      window_started_at = case when ${expired} then ${now}::timestamptz
                               else login_throttle.window_started_at end,
      last_failed_at = ${now}::timestamptz,
      blocked_until = case when ${next} >= ${limit}::int then ${until}::timestamptz
                           when ${expired} then null
                           else login_throttle.blocked_until end
    returning *`.execute(db);
  return res.rows[0]!;
}

export const deleteRow = (db: Db, scope: ThrottleScope, address: string, username: string) =>
  db
    .deleteFrom('login_throttle')
    .where('scope', '=', scope)
    .where('address', '=', address)
    .where('username', '=', username)
    .execute();

export const findById = (db: Db, id: number) =>
  db.selectFrom('login_throttle').selectAll().where('id', '=', id).executeTakeFirst();

export const deleteById = (db: Db, id: number) =>
  db.deleteFrom('login_throttle').where('id', '=', id).executeTakeFirst();

/** Rows that hold something back now: a block, or an address past its free failures. */
export const listActive = (
  db: Db,
  now: Date,
  addressCutoff: Date,
  addressFree: number,
  limit: number,
) =>
  db
    .selectFrom('login_throttle')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('blocked_until', '>', now),
        eb.and([
          eb('scope', '=', 'address'),
          eb('window_started_at', '>', addressCutoff),
          eb('failures', '>', addressFree),
        ]),
      ]),
    )
    .orderBy('last_failed_at', 'desc')
    .limit(limit)
    .execute();

/** Rows with no failure for a long time hold nothing back any more. */
export async function deleteStale(db: Db, before: Date): Promise<number> {
  const res = await db
    .deleteFrom('login_throttle')
    .where('last_failed_at', '<', before)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', before)]))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
