import type { ColumnType, Generated } from 'kysely';

/** numeric comes back as an exact string; it goes in as one too */
type Money = ColumnType<string, string, string>;

export interface MonthlyReportTable {
  id: Generated<number>;
  project_id: number;
  region_code: string;
  /** 'YYYY-MM' */
  month: string;
  /** 本月完成投资, 万元 */
  invested: Money;
  progress: string;
  problems: Generated<string>;
  late: boolean;
  source: 'form' | 'import';
  reporter_id: number | null;
  reporter_name: string;
  submitted_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  version: Generated<number>;
}

export interface MonthlyReportPhotoTable {
  report_id: number;
  attachment_id: number;
  position: number;
}

export interface ReportMonthClosureTable {
  /** a district, or the city for projects kept at city level */
  region_code: string;
  month: string;
  closed_by: string;
  closed_at: ColumnType<Date, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    monthly_reports: MonthlyReportTable;
    monthly_report_photos: MonthlyReportPhotoTable;
    report_month_closures: ReportMonthClosureTable;
  }
}
