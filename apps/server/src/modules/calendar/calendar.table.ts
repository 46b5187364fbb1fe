import type { ColumnType } from 'kysely';
import type { CalendarDay } from '@xiangmu/contracts';

export interface CalendarDayTable {
  day: string;
  kind: CalendarDay['kind'];
  name: string;
  updated_by: string;
  updated_at: ColumnType<Date, never, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    calendar_days: CalendarDayTable;
  }
}
