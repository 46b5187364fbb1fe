import { sql } from 'kysely';
import type { Logger } from 'pino';
import { auditRoutes, recordAudit } from './modules/audit';
import { systemActor } from './modules/access';
import {
  authenticate,
  authRoutes,
  endSessionsOf,
  SessionCache,
  type LoginThrottle,
} from './modules/auth';
import { calendarRoutes, onCalendarChanged } from './modules/calendar';
import { attachmentRoutes } from './modules/attachments';
import { campaignRoutes } from './modules/campaigns';
import { dashboardRoutes } from './modules/dashboard';
import { briefingRoutes } from './modules/briefings';
import { jobRoutes } from './modules/jobs';
import { ensureDefaultTemplates, milestoneRoutes, recomputeDueDates } from './modules/milestones';
import { projectRoutes } from './modules/projects';
import { ensureOfficialRegions, regionRoutes } from './modules/regions';
import { reportRoutes } from './modules/reports';
import { userRoutes } from './modules/users';
import { enterpriseRoutes } from './modules/enterprises';
import { open311Routes, recomputeTicketDueTimes, ticketRoutes } from './modules/tickets';
import { openDatabase, type DatabaseOptions } from './platform/database/db';
import { migrateToLatest } from './platform/database/migrate';
import { ensureFirstAdmin } from './seeds/admin';
import { seedDemo } from './seeds/demo';
import { seedDemoMilestones } from './seeds/demo-milestones';
import { seedDemoProjects } from './seeds/demo-projects';
import { seedDemoReports } from './seeds/demo-reports';
import { seedDemoTickets } from './seeds/demo-tickets';
import { buildApp, type TrustProxy } from './platform/http/app';
import { JobRunner } from './platform/jobs/runner';
import { registerJobs } from './job-registry';
import { backupRoutes } from './modules/backup';
import { lockDataDir } from './platform/backup/data-dir-lock';

export interface XiangmuOptions {
  database: DatabaseOptions;
  logger: Logger;
  adminPassword?: string | undefined;
  demoSeed: boolean;
  secureCookies: boolean;
  /** /docs without a session (XIANGMU_PUBLIC_DOCS) */
  publicDocs?: boolean;
  /** XIANGMU_TRUST_PROXY */
  trustProxy?: TrustProxy;
  runWorker: boolean;
  webDist?: string | undefined;
  throttle?: LoginThrottle;
  jobPollMs?: number;
  /** how long a session lookup is reused (ms); 0 turns the cache off */
  sessionCacheMs?: number;
}

/** Prepares the database (migrate, reference data, first admin, demo data). */
export async function prepareDatabase(
  db: Parameters<typeof migrateToLatest>[0],
  opts: Pick<XiangmuOptions, 'adminPassword' | 'demoSeed'>,
) {
  const migrated = await migrateToLatest(db);
  const loaded = await ensureOfficialRegions(db);
  if (loaded > 0) {
    await recordAudit(db, systemActor, {
      action: 'region.official_loaded',
      entityType: 'region',
      after: { inserted: loaded },
    });
    // every scope check joins regions: plan it with real statistics from the start
    await sql`analyze regions`.execute(db);
  }
  await ensureDefaultTemplates(db);
  const generatedAdminPassword = await ensureFirstAdmin(db, opts.adminPassword);
  const demoSeeded = opts.demoSeed ? await seedDemo(db) : false;
  if (opts.demoSeed) {
    await seedDemoProjects(db);
    await seedDemoMilestones(db);
    await seedDemoReports(db);
    await seedDemoTickets(db);
  }
  return { migrated, generatedAdminPassword, demoSeeded };
}

/** The composition root: everything the API process needs, wired once. */
export async function createXiangmu(opts: XiangmuOptions) {
  // one process per embedded data directory: a second PGlite on it corrupts it
  const unlock =
    opts.database.dataDir && !opts.database.url ? lockDataDir(opts.database.dataDir) : () => {};
  const handle = await openDatabase(opts.database).catch((err: unknown) => {
    unlock();
    throw err;
  });
  const { db, engine } = handle;
  try {
    const prepared = await prepareDatabase(db, opts);
    const jobs = new JobRunner(db, opts.logger, opts.jobPollMs);
    registerJobs(jobs);
    onCalendarChanged(recomputeDueDates);
    onCalendarChanged(recomputeTicketDueTimes);
    await jobs.ensureSchedules();
    const sessions = new SessionCache(opts.sessionCacheMs);
    const app = await buildApp(
      {
        db,
        engine,
        jobs,
        secureCookies: opts.secureCookies,
        publicDocs: opts.publicDocs ?? false,
        authenticate: (token, ip) => sessions.get(token, ip, () => authenticate(db, token, ip)),
        afterWrite: () => sessions.clear(),
      },
      {
        logger: opts.logger,
        webDist: opts.webDist,
        trustProxy: opts.trustProxy ?? false,
        routeModules: [
          authRoutes(opts.throttle),
          userRoutes({ endSessions: endSessionsOf }),
          regionRoutes,
          auditRoutes,
          jobRoutes,
          backupRoutes({ pglite: handle.pglite, databaseUrl: opts.database.url }),
          projectRoutes,
          campaignRoutes,
          attachmentRoutes,
          reportRoutes,
          milestoneRoutes,
          calendarRoutes,
          dashboardRoutes,
          briefingRoutes,
          enterpriseRoutes,
          ticketRoutes,
          open311Routes,
        ],
      },
    );
    if (opts.runWorker) jobs.start();
    return {
      app,
      db,
      engine,
      jobs,
      ...prepared,
      async close() {
        await jobs.stop();
        await app.close();
        await handle.close();
        unlock();
      },
    };
  } catch (err) {
    await handle.close();
    unlock();
    throw err;
  }
}

export type Xiangmu = Awaited<ReturnType<typeof createXiangmu>>;
