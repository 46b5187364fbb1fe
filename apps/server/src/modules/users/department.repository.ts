import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';
import { escapeLike, regionScopeFilter } from '../../platform/database/filters';

const selectDepartments = (db: Db) =>
  db
    .selectFrom('departments')
    .innerJoin('regions', 'regions.code', 'departments.region_code')
    .select([
      'departments.id',
      'departments.name',
      'departments.region_code',
      'departments.version',
      'regions.name as region_name',
      'regions.path as region_path',
    ])
    .select((eb) =>
      eb
        .selectFrom('users')
        .whereRef('users.department_id', '=', 'departments.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('user_count'),
    );

export type DepartmentRow = NonNullable<Awaited<ReturnType<typeof findDepartment>>>;

export const findDepartment = (db: Db, id: number) =>
  selectDepartments(db).where('departments.id', '=', id).executeTakeFirst();

export function listDepartments(
  db: Db,
  f: { scopePath: string; regionCode?: string | undefined; q?: string | undefined },
) {
  let q = selectDepartments(db).where(regionScopeFilter(f.scopePath, 'departments.region_code'));
  if (f.regionCode) q = q.where('departments.region_code', '=', f.regionCode);
  if (f.q) q = q.where('departments.name', 'ilike', `%${escapeLike(f.q)}%`);
  return q.orderBy('regions.path').orderBy('departments.name').limit(1000).execute();
}

export const departmentNameTaken = async (
  db: Db,
  regionCode: string,
  name: string,
  exceptId?: number,
) => {
  let q = db
    .selectFrom('departments')
    .select('id')
    .where('region_code', '=', regionCode)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return !!(await q.executeTakeFirst());
};

export const insertDepartment = (db: Db, d: { name: string; region_code: string }) =>
  db.insertInto('departments').values(d).returning('id').executeTakeFirstOrThrow();

export async function renameDepartment(db: Db, id: number, name: string, version: number) {
  const res = await db
    .updateTable('departments')
    .set({ name, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
