import type { JobScheduleTable, JobTable } from '../jobs/job.table';

/**
 * The whole database as Kysely sees it. Platform lists only its own tables;
 * each module adds its tables from its *.table.ts by declaration merging
 * (`declare module '../../platform/database/schema' { interface Database … }`),
 * so platform imports nothing from modules/ and a misspelt table or column is
 * still a type error wherever `Db` is used.
 */
export interface Database {
  jobs: JobTable;
  job_schedules: JobScheduleTable;
}
