import type { ColumnType, Generated } from 'kysely';
import type { MilestoneStatus, TemplateStep } from '@xiangmu/contracts';

export interface MilestoneTemplateTable {
  id: Generated<number>;
  name: string;
  steps: ColumnType<TemplateStep[], string, string>;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface MilestoneTable {
  id: Generated<number>;
  project_id: number;
  region_code: string;
  seq: number;
  name: string;
  owner_user_id: number | null;
  owner_name: string;
  due_on: string;
  target_on: string | null;
  offset_workdays: number | null;
  done_on: string | null;
  evidence: string | null;
  status: Generated<MilestoneStatus>;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    milestone_templates: MilestoneTemplateTable;
    milestones: MilestoneTable;
  }
}
