import type { ColumnType, Generated } from 'kysely';
import type { EnterpriseSize } from '@xiangmu/contracts';

/** 企业库 (万人助万企): one row per 统一社会信用代码 */
export interface EnterpriseTable {
  id: Generated<number>;
  credit_code: string;
  name: string;
  industry: string;
  region_code: string;
  size: EnterpriseSize;
  address: string;
  contact_name: string;
  contact_phone: string;
  /** 包联干部 */
  cadre_user_id: number | null;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    enterprises: EnterpriseTable;
  }
}
