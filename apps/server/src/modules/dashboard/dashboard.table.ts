import type { ColumnType } from 'kysely';

export interface InvestmentTargetTable {
  region_code: string;
  year: number;
  /** 万元 */
  amount: ColumnType<string, string, string>;
  set_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
