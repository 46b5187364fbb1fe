import type { ColumnType } from 'kysely';
import type { CalendarDay } from '@xiangmu/contracts';

export interface CalendarDayTable {
  day: string;
  kind: CalendarDay['kind'];
  name: string;
  updated_by: string;
  updated_at: ColumnType<Date, never, Date>;
}
