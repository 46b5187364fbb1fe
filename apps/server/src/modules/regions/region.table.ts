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
