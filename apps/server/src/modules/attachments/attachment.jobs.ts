import type { JobDefinition } from '../../platform/jobs/runner';
import { recordAudit } from '../audit';
import { systemActor } from '../access';
import { purgeOrphanAttachments } from './attachment.service';

/** Photos uploaded but never used by a report or a problem are kept this long. */
export const ORPHAN_GRACE_HOURS = 24;

/** Every 6 hours: removes photos nobody attached within a day. Idempotent. */
export const purgeAttachmentsJob: JobDefinition = {
  name: 'attachments.purge',
  title: '清理未使用的上传照片',
  intervalSeconds: 6 * 3600,
  handler: async ({ db }) =>
    db.transaction().execute(async (trx) => {
      const deleted = await purgeOrphanAttachments(
        trx,
        new Date(Date.now() - ORPHAN_GRACE_HOURS * 3600_000),
      );
      if (deleted > 0)
        await recordAudit(trx, systemActor, {
          action: 'job.attachments_purged',
          entityType: 'attachment',
          after: { deleted },
        });
      return { deleted };
    }),
};
