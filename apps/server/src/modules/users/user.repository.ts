import { sql, type Updateable } from 'kysely';
import type { Role } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { escapeLike, regionScopeFilter } from '../../platform/database/filters';
import type { UserTable } from './user.table';

const userColumns = [
  'users.id',
  'users.username',
  'users.display_name',
  'users.phone',
  'users.role',
  'users.region_code',
  'users.department_id',
  'users.credit_code',
  'users.must_change_password',
  'users.failed_attempts',
  'users.locked_until',
  'users.disabled',
  'users.last_login_at',
  'users.created_at',
  'users.version',
] as const;

const selectUsers = (db: Db) =>
  db
    .selectFrom('users')
    .innerJoin('regions', 'regions.code', 'users.region_code')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select(userColumns)
    .select([
      'regions.name as region_name',
      'regions.path as region_path',
      'departments.name as department_name',
    ]);

export type UserRow = Awaited<ReturnType<typeof findUserById>> & object;

export const findUserById = (db: Db, id: number) =>
  selectUsers(db).where('users.id', '=', id).executeTakeFirst();

export const findUserForLogin = (db: Db, username: string) =>
  db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();

export const getPasswordHash = async (db: Db, id: number) =>
  (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst())
    ?.password_hash;

export async function listUsers(
  db: Db,
  f: {
    scopePath: string;
    q?: string | undefined;
    role?: Role | undefined;
    regionCode?: string | undefined;
    page: number;
    pageSize: number;
  },
) {
  let q = db.selectFrom('users').where(regionScopeFilter(f.scopePath, 'users.region_code'));
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) =>
      eb.or([eb('users.username', 'ilike', like), eb('users.display_name', 'ilike', like)]),
    );
  }
  if (f.role) q = q.where('users.role', '=', f.role);
  if (f.regionCode) q = q.where('users.region_code', '=', f.regionCode);
  const { total } = await q
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const ids = await q
    .select('users.id')
    .orderBy('users.id')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  const items =
    ids.length === 0
      ? []
      : await selectUsers(db)
          .where(
            'users.id',
            'in',
            ids.map((r) => r.id),
          )
          .orderBy('users.id')
          .execute();
  return { items, total: Number(total) };
}

export const insertUser = (
  db: Db,
  u: Pick<
    UserTable,
    | 'username'
    | 'display_name'
    | 'phone'
    | 'role'
    | 'region_code'
    | 'department_id'
    | 'password_hash'
    | 'must_change_password'
  > & { credit_code?: string | null },
) => db.insertInto('users').values(u).returning('id').executeTakeFirstOrThrow();

export async function updateUser(
  db: Db,
  id: number,
  version: number | null,
  changes: Omit<Updateable<UserTable>, 'id' | 'version' | 'updated_at'>,
): Promise<boolean> {
  let q = db
    .updateTable('users')
    .set({ ...changes, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id);
  if (version !== null) q = q.where('version', '=', version);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function recordFailedLogin(db: Db, id: number, lockAfter: number, lockMs: number) {
  // One statement, so concurrent failures cannot lose a count.
  return db
    .updateTable('users')
    .set({
      failed_attempts: sql`failed_attempts + 1`,
      locked_until: sql`case when failed_attempts + 1 >= ${lockAfter} then ${new Date(Date.now() + lockMs)}::timestamptz else locked_until end`,
    })
    .where('id', '=', id)
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export const usernameTaken = async (db: Db, username: string) =>
  !!(await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst());

export const countUsers = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Accounts locked now, inside a data scope: the admin's 登录限制 view. */
export const listLockedUsers = (db: Db, scopePath: string, now: Date) =>
  selectUsers(db)
    .where(regionScopeFilter(scopePath, 'users.region_code'))
    .where('users.locked_until', '>', now)
    .orderBy('users.locked_until', 'desc')
    .limit(500)
    .execute();

/** The accounts behind lower-cased usernames (those that exist). */
export const findUsersByUsernames = (db: Db, names: readonly string[]) =>
  names.length === 0
    ? Promise.resolve([])
    : selectUsers(db)
        .where(sql`lower(users.username)`, 'in', [...names])
        .execute();
