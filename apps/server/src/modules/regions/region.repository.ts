import { sql } from 'kysely';
import type { RegionLevel } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';

export const selectRegion = (db: Db) =>
  db
    .selectFrom('regions')
    .select(['code', 'name', 'level', 'parent_code', 'path', 'official', 'version']);

export async function findRegion(db: Db, code: string) {
  return selectRegion(db).where('code', '=', code).executeTakeFirst();
}

export async function listRegions(
  db: Db,
  scopePath: string,
  filter: { levels?: RegionLevel[]; parentCode?: string },
) {
  let q = selectRegion(db).where('path', 'like', `${scopePath}%`);
  if (filter.levels) q = q.where('level', 'in', filter.levels);
  if (filter.parentCode) q = q.where('parent_code', '=', filter.parentCode);
  return q.orderBy('path').execute();
}

export async function nextChildCode(db: Db, parentCode: string): Promise<string> {
  const row = await db
    .selectFrom('regions')
    .select(sql<string | null>`max(code)`.as('max'))
    .where('parent_code', '=', parentCode)
    .where(sql<number>`length(code)`, '=', parentCode.length + 3)
    .executeTakeFirst();
  const last = row?.max ? Number(row.max.slice(parentCode.length)) : 0;
  return parentCode + String(last + 1).padStart(3, '0');
}

export async function insertRegion(
  db: Db,
  r: {
    code: string;
    name: string;
    level: RegionLevel;
    parentCode: string | null;
    path: string;
    official: boolean;
  },
) {
  return db
    .insertInto('regions')
    .values({
      code: r.code,
      name: r.name,
      level: r.level,
      parent_code: r.parentCode,
      path: r.path,
      official: r.official,
    })
    .returning(['code', 'name', 'level', 'parent_code', 'path', 'official', 'version'])
    .executeTakeFirstOrThrow();
}

/** Inserts the official tree; existing codes are left as they are. */
export async function insertOfficialRegions(
  db: Db,
  rows: Array<{
    code: string;
    name: string;
    level: RegionLevel;
    parentCode: string | null;
    path: string;
  }>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await db
    .insertInto('regions')
    .values(
      rows.map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        parent_code: r.parentCode,
        path: r.path,
        official: true,
      })),
    )
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

export async function renameRegion(db: Db, code: string, name: string, version: number) {
  return db
    .updateTable('regions')
    .set({ name, version: sql`version + 1`, updated_at: new Date() })
    .where('code', '=', code)
    .where('version', '=', version)
    .returning(['code', 'name', 'level', 'parent_code', 'path', 'official', 'version'])
    .executeTakeFirst();
}

export const countOfficialRegions = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('regions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('official', '=', true)
        .executeTakeFirstOrThrow()
    ).n,
  );
