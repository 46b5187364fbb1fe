import type { JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudit } from '../audit';
import { rateAllMilestones } from './milestone.service';

/**
 * 红黄绿灯: re-rates every open node against today. Scheduled hourly so a
 * new day shows within the hour of midnight; a run that finds every light
 * right changes nothing and writes no audit row.
 */
export const rateMilestonesJob: JobDefinition = {
  name: 'milestones.rate',
  title: '每日更新节点红黄绿灯',
  intervalSeconds: 3600,
  handler: async ({ db }) =>
    db.transaction().execute(async (trx) => {
      const changed = await rateAllMilestones(trx);
      if (changed > 0)
        await recordAudit(trx, systemActor, {
          action: 'job.milestones_rated',
          entityType: 'milestone',
          after: { changed },
        });
      return { changed };
    }),
};
