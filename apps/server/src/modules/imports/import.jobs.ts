import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import type { ImportStatus } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import type { JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudit } from '../audit';
import { applying, pendingValidations } from './import-kit';

/** No sign of life for this long: the process doing the work is gone (restart, crash). */
const VALIDATION_STALE_MINUTES = 10;
const APPLY_STALE_MINUTES = 30;
/** An upload nobody applied is kept this long, then its file is removed. */
export const UNAPPLIED_KEEP_HOURS = 24;

const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000);
const running = () => [-1, ...pendingValidations.keys(), ...applying];

/**
 * Settles imports nobody is working on any more, so none stays "校验中" or
 * "导入中" for ever: an interrupted validation goes back to the mapping step
 * (its file is still there) or fails; an interrupted apply — rolled back
 * with its transaction — is ready to apply again; an upload left unapplied
 * for a day has its file removed. Idempotent.
 */
export async function settleImports(db: Db, now = new Date()) {
  const done = await db.transaction().execute(async (trx) => {
    const validations = await trx
      .updateTable('project_imports')
      .set({
        status: sql<ImportStatus>`case when file_path is not null then 'mapping' else 'failed' end`,
        failure: sql<string>`case when file_path is not null
          then '校验因服务重启而中断，未写入任何数据，请重新确认列映射'
          else '校验因服务重启而中断，未写入任何数据，请重新上传' end`,
        updated_at: now,
      })
      .where('status', '=', 'validating')
      .where('updated_at', '<', minutesAgo(now, VALIDATION_STALE_MINUTES))
      .where('id', 'not in', running())
      .returning('id')
      .execute();
    const applies = await trx
      .updateTable('project_imports')
      .set({
        status: 'validated',
        failure: '导入因服务重启而中断，未写入任何数据，可再次确认导入',
        updated_at: now,
      })
      .where('status', '=', 'applying')
      .where('updated_at', '<', minutesAgo(now, APPLY_STALE_MINUTES))
      .where('id', 'not in', running())
      .returning('id')
      .execute();
    const expired = await trx
      .selectFrom('project_imports')
      .select(['id', 'file_path'])
      .where('status', 'in', ['mapping', 'validated', 'failed'])
      .where('file_path', 'is not', null)
      .where('updated_at', '<', minutesAgo(now, UNAPPLIED_KEEP_HOURS * 60))
      .forUpdate()
      .execute();
    if (expired.length) {
      const ids = expired.map((e) => e.id);
      await trx
        .updateTable('project_imports')
        .set({
          status: 'failed',
          failure: `超过${UNAPPLIED_KEEP_HOURS}小时未确认导入，上传的文件已清理，请重新上传`,
          file_path: null,
          updated_at: now,
        })
        .where('id', 'in', ids)
        .execute();
      await trx.deleteFrom('project_import_rows').where('import_id', 'in', ids).execute();
    }
    const figures = {
      validationsInterrupted: validations.length,
      appliesInterrupted: applies.length,
      expired: expired.length,
    };
    if (validations.length + applies.length + expired.length)
      await recordAudit(trx, systemActor, {
        action: 'job.imports_settled',
        entityType: 'project_import',
        after: figures,
      });
    return { figures, files: expired.map((e) => e.file_path!) };
  });
  for (const f of done.files) await rm(f, { force: true });
  return done.figures;
}

/** Every 10 minutes: imports interrupted or left unapplied are settled. */
export const settleImportsJob: JobDefinition = {
  name: 'imports.settle',
  title: '整理中断或过期的导入',
  intervalSeconds: 600,
  handler: async ({ db }) => settleImports(db),
};
