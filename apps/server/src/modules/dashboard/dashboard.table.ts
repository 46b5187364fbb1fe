import type { ColumnType } from 'kysely';

export interface InvestmentTargetTable {
  region_code: string;
  year: number;
  /** 万元 */
  amount: ColumnType<string, string, string>;
  set_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface LibrarySnapshotTable {
  /** the month that had ended, 'YYYY-MM' */
  month: string;
  region_code: string;
  projects: number;
  /** 万元 */
  total_investment: ColumnType<string, string, string>;
  taken_at: ColumnType<Date, Date | undefined, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    investment_targets: InvestmentTargetTable;
    library_snapshots: LibrarySnapshotTable;
  }
}
