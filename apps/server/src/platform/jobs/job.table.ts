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
  /** stamped by the owner while it runs the job (migration 0019) */
  heartbeat_at: Date | null;
  /** the worker that claimed the job: host, pid and a random tag */
  owner: string | null;
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
