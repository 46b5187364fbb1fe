import type { ColumnType, Generated } from 'kysely';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface JobTable {
  id: Generated<number>;
  name: string;
  payload: ColumnType<unknown, string, string>;
  status: JobStatus;
  run_at: Date;
  attempts: Generated<number>;
  max_attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  result: ColumnType<unknown, string | null, string | null>;
  created_at: ColumnType<Date, never, never>;
}

export interface JobScheduleTable {
  name: string;
  interval_seconds: number;
  next_run_at: Date;
}
