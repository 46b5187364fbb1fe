import { monthOf } from '@xiangmu/contracts';
import type { JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudit } from '../audit';
import * as repo from './dashboard.repository';

/** The month before `month` ('YYYY-MM'). */
export function previousMonthOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * Hourly: once a month has ended, the library's figures are kept as that
 * month's (the ranking compares the library indicators with them). The
 * first run after the month's end takes it; later runs change nothing.
 */
export const snapshotLibraryJob: JobDefinition = {
  name: 'dashboard.snapshot',
  title: '月末留存项目库指标（排名较上月）',
  intervalSeconds: 3600,
  handler: async ({ db }) =>
    db.transaction().execute(async (trx) => {
      const month = previousMonthOf(monthOf(new Date()));
      const rows = await repo.takeLibrarySnapshot(trx, month);
      if (rows > 0)
        await recordAudit(trx, systemActor, {
          action: 'job.library_snapshot',
          entityType: 'library_snapshot',
          entityId: month,
          after: { month, regions: rows },
        });
      return { month, rows };
    }),
};
