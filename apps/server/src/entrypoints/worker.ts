// A job worker on its own, for a PostgreSQL server deployment
// (XIANGMU_WORKER=off on the API processes, one or more of these beside them).
import { registerJobs } from '../job-registry';
import { loadConfig } from '../platform/config/config';
import { openDatabase } from '../platform/database/db';
import { migrateToLatest } from '../platform/database/migrate';
import { JobRunner } from '../platform/jobs/runner';
import { createLogger } from '../platform/logging/logger';

const config = loadConfig();
const log = createLogger(config.logLevel);
if (!config.databaseUrl) {
  // PGlite is one process's database: its worker runs inside the API.
  log.error('独立的任务进程需要 DATABASE_URL；嵌入式数据库的任务随 API 进程运行');
  process.exit(2);
}
const handle = await openDatabase({ url: config.databaseUrl, poolSize: 2 });
await migrateToLatest(handle.db);
const runner = new JobRunner(handle.db, log);
registerJobs(runner);
await runner.ensureSchedules();
runner.start();
log.info('任务进程已启动');

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    void runner
      .stop()
      .then(() => handle.close())
      .then(() => process.exit(0));
  });
