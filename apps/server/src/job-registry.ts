// Every background job, registered alike by the API process (XIANGMU_WORKER=on)
// and by the standalone worker (entrypoints/worker.ts), so neither misses one.
import { purgeAttachmentsJob } from './modules/attachments';
import { purgeSessionsJob } from './modules/auth';
import { snapshotLibraryJob } from './modules/dashboard';
import { settleImportsJob } from './modules/imports';
import { rateMilestonesJob } from './modules/milestones';
import { ticketDeadlinesJob } from './modules/tickets';
import type { JobRunner } from './platform/jobs/runner';

export const jobDefinitions = [
  purgeSessionsJob,
  purgeAttachmentsJob,
  settleImportsJob,
  rateMilestonesJob,
  snapshotLibraryJob,
  ticketDeadlinesJob,
];

export function registerJobs(runner: JobRunner): void {
  for (const job of jobDefinitions) runner.register(job);
}
