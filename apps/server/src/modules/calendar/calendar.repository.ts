import type { Insertable } from 'kysely';
import type { Db } from '../../platform/database/db';
import type { CalendarDayTable } from './calendar.table';

export const listCorrections = (db: Db) =>
  db.selectFrom('calendar_days').selectAll().orderBy('day').execute();

/** Replaces one year's corrections with `rows`. */
export async function replaceYearCorrections(
  db: Db,
  year: number,
  rows: Insertable<CalendarDayTable>[],
): Promise<void> {
  await db
    .deleteFrom('calendar_days')
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .execute();
  if (rows.length) await db.insertInto('calendar_days').values(rows).execute();
}
