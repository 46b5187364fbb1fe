import type { ColumnType, Generated } from 'kysely';
import type { RegionLevel } from '@xiangmu/contracts';

export interface RegionTable {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
  /** materialised path of codes, '410100/410171/410171001/': scope checks are prefix matches */
  path: string;
  official: boolean;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    regions: RegionTable;
  }
}
