import type { JobDefinition } from '../../platform/jobs/runner';
import { recordAudit } from '../audit';
import { systemActor } from '../access';
import { purgeExpiredSessions } from './auth.service';
import { purgeStaleThrottle } from './login-blocks.service';

/**
 * Hourly: removes expired sessions and login-throttle rows with no failure
 * for a day. Idempotent — a second run finds nothing.
 */
export const purgeSessionsJob: JobDefinition = {
  name: 'sessions.purge',
  title: '清理过期登录会话',
  intervalSeconds: 3600,
  handler: async ({ db }) =>
    db.transaction().execute(async (trx) => {
      const deleted = await purgeExpiredSessions(trx);
      const throttleRows = await purgeStaleThrottle(trx);
      if (deleted > 0 || throttleRows > 0)
        await recordAudit(trx, systemActor, {
          action: 'job.sessions_purged',
          entityType: 'session',
          after: { deleted, throttleRows },
        });
      return { deleted, throttleRows };
    }),
};
