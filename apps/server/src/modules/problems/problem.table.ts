import type { ColumnType, Generated } from 'kysely';

export interface ProblemTable {
  id: Generated<number>;
  project_id: number;
  region_code: string;
  report_id: number | null;
  title: string;
  description: Generated<string>;
  department_id: number;
  due_on: string;
  status: Generated<'open' | 'closed'>;
  raised_by: number | null;
  raised_by_name: string;
  raised_at: ColumnType<Date, Date | undefined, never>;
  closed_at: Date | null;
  closed_by_name: string | null;
  evidence: string | null;
  evidence_attachment_id: number | null;
  reopen_count: Generated<number>;
  version: Generated<number>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface ProblemEventTable {
  id: Generated<number>;
  problem_id: number;
  action: 'raised' | 'updated' | 'closed' | 'reopened';
  note: string | null;
  attachment_id: number | null;
  actor_id: number | null;
  actor_name: string;
  at: ColumnType<Date, Date | undefined, never>;
}

// This module's tables, merged into the one Database type (see schema.ts).
declare module '../../platform/database/schema' {
  interface Database {
    problems: ProblemTable;
    problem_events: ProblemEventTable;
  }
}
