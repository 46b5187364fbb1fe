import type { JobDefinition } from '../../platform/jobs/runner';
import { recordAudit } from '../audit';
import { systemActor } from '../access';
import { purgeExpiredSessions } from './auth.service';

/** Hourly: removes expired sessions. Idempotent — a second run finds nothing. */
export const purgeSessionsJob: JobDefinition = {
  name: 'sessions.purge',
  title: '清理过期登录会话',
  intervalSeconds: 3600,
  handler: async ({ db }) =>
    db.transaction().execute(async (trx) => {
      const deleted = await purgeExpiredSessions(trx);
      if (deleted > 0)
        await recordAudit(trx, systemActor, {
          action: 'job.sessions_purged',
          entityType: 'session',
          after: { deleted },
        });
      return { deleted };
    }),
};
