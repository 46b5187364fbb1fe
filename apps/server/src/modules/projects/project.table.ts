import type { ColumnType, Generated } from 'kysely';
import type { ProjectLevel, ProjectStage } from '@xiangmu/contracts';

/** numeric comes back as an exact string; it goes in as one too */
type Money = ColumnType<string, string, string>;

export interface ProjectTable {
  id: Generated<number>;
  name: string;
  name_initials: string;
  owner_name: string;
  /** null: not in the ledger it came from (待补充) */
  owner_credit_code: string | null;
  region_code: string;
  industry_cluster: string;
  industry_code: string | null;
  level: ProjectLevel;
  content: Generated<string>;
  total_investment: Money;
  annual_plan: Money;
  plan_year: number;
  stage: ProjectStage;
  stage_changed_on: string | null;
  planned_start: string | null;
  planned_end: string | null;
  actual_start: string | null;
  actual_end: string | null;
  leader_name: string | null;
  department_id: number | null;
  contact_name: string | null;
  contact_phone: string | null;
  lng: ColumnType<string | null, number | null, number | null>;
  lat: ColumnType<string | null, number | null, number | null>;
  tags: Generated<string[]>;
  version: Generated<number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export interface ProjectStageEventTable {
  id: Generated<number>;
  project_id: number;
  region_code: string;
  from_stage: ProjectStage | null;
  to_stage: ProjectStage;
  occurred_on: string;
  evidence: string;
  reason: string | null;
  actor_id: number | null;
  actor_name: string;
  created_at: ColumnType<Date, never, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    projects: ProjectTable;
    project_stage_events: ProjectStageEventTable;
  }
}
