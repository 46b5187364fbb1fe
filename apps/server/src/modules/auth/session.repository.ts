import type { Db } from '../../platform/database/db';

export const insertSession = (
  db: Db,
  s: {
    token_hash: string;
    user_id: number;
    csrf_token: string;
    active_region_code: string;
    ip: string | null;
    expires_at: Date;
  },
) =>
  db
    .insertInto('sessions')
    .values({ ...s, last_seen_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();

/** Session, user and both regions in one round trip: this runs on every request. */
export const findActiveSession = (db: Db, tokenHash: string, now: Date) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('regions as home', 'home.code', 'users.region_code')
    .innerJoin('regions as active', 'active.code', 'sessions.active_region_code')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'sessions.id as session_id',
      'sessions.csrf_token',
      'sessions.created_at as session_created_at',
      'sessions.last_seen_at',
      'users.id as user_id',
      'users.username',
      'users.display_name',
      'users.phone',
      'users.role',
      'users.region_code',
      'users.department_id',
      'users.must_change_password',
      'home.name as region_name',
      'home.path as region_path',
      'active.code as active_region_code',
      'active.name as active_region_name',
      'active.path as active_region_path',
      'departments.name as department_name',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled', '=', false)
    .executeTakeFirst();

export type ActiveSession = NonNullable<Awaited<ReturnType<typeof findActiveSession>>>;

export const touchSession = (db: Db, id: number, now: Date, expiresAt: Date) =>
  db
    .updateTable('sessions')
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();

export const setActiveRegion = (db: Db, id: number, regionCode: string) =>
  db.updateTable('sessions').set({ active_region_code: regionCode }).where('id', '=', id).execute();

export const deleteSession = (db: Db, id: number) =>
  db.deleteFrom('sessions').where('id', '=', id).execute();

export const deleteOtherSessions = (db: Db, userId: number, keepId: number) =>
  db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '<>', keepId).execute();

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const res = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function deleteSessionsOf(db: Db, userId: number): Promise<number> {
  const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows);
}
