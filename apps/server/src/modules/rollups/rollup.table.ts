import type { ColumnType } from 'kysely';

/** Written only by the triggers of migration 0010 (docs/adr/0010-rollups.md). */
type Sum = ColumnType<string, never, never>;
type Count = ColumnType<number, never, never>;

export interface RollupProjectTable {
  region_code: ColumnType<string, never, never>;
  stage: ColumnType<string, never, never>;
  level: ColumnType<string, never, never>;
  industry_cluster: ColumnType<string, never, never>;
  plan_year: ColumnType<number, never, never>;
  projects: Count;
  /** 万元 */
  total_investment: Sum;
  /** 万元 */
  annual_plan: Sum;
}

export interface RollupReportTable {
  /** the project's current region */
  region_code: ColumnType<string, never, never>;
  /** 'YYYY-MM' */
  month: ColumnType<string, never, never>;
  reports: Count;
  late: Count;
  /** 万元 */
  invested: Sum;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    rollup_projects: RollupProjectTable;
    rollup_reports: RollupReportTable;
  }
}
