import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { ImportStatus } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import type { JobDefinition } from '../../platform/jobs/runner';
import { systemActor } from '../access';
import { recordAudits } from '../audit';
import { applying, pendingValidations, uploadDir, VALIDATION_HEARTBEAT_MS } from './import-kit';

/**
 * No heartbeat for this long: the process validating is gone (restart,
 * crash). Four missed beats, so a slow chunk is not taken for a dead one.
 */
const VALIDATION_STALE_MS = 4 * VALIDATION_HEARTBEAT_MS;
/** An apply is one transaction: rolled back with a dead process, at once. */
const APPLY_STALE_MINUTES = 30;
/** An upload nobody applied is kept this long, then its file is removed. */
export const UNAPPLIED_KEEP_HOURS = 24;
/**
 * A file in the upload folder no import names, older than this, is a crash's
 * leftover. Longer than any import may wait: another instance on the same
 * machine shares the folder, and its imports expire after the same day.
 */
const ORPHAN_FILE_HOURS = UNAPPLIED_KEEP_HOURS + 1;

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const running = () => [-1, ...pendingValidations.keys(), ...applying];

type Settled = { id: number; region_code: string; status: ImportStatus; failure: string | null };

/**
 * Settles imports nobody is working on any more, so none stays "校验中" or
 * "导入中" for ever, and sweeps what a crash left: an interrupted validation
 * goes back to the mapping step (its file is still there) or fails, with a
 * reason the user reads; an interrupted apply — rolled back with its
 * transaction — is ready to apply again; an upload left unapplied for a day
 * has its file removed; rows staged by imports that can no longer be
 * applied (failed, back at the mapping step) are deleted, and so are upload
 * files no import names (a crash between an apply's commit and the file's
 * removal, or during an upload). Runs at every start and every minute;
 * idempotent; each settled import is audited.
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
      .where('updated_at', '<', ago(now, VALIDATION_STALE_MS))
      .where('id', 'not in', running())
      .returning(['id', 'region_code', 'status', 'failure'])
      .execute();
    const applies = await trx
      .updateTable('project_imports')
      .set({
        status: 'validated',
        failure: '导入因服务重启而中断，未写入任何数据，可再次确认导入',
        updated_at: now,
      })
      .where('status', '=', 'applying')
      .where('updated_at', '<', ago(now, APPLY_STALE_MINUTES * 60_000))
      .where('id', 'not in', running())
      .returning(['id', 'region_code', 'status', 'failure'])
      .execute();
    const stale = await trx
      .selectFrom('project_imports')
      .select(['id', 'file_path'])
      .where('status', 'in', ['mapping', 'validated', 'failed'])
      .where('file_path', 'is not', null)
      .where('updated_at', '<', ago(now, UNAPPLIED_KEEP_HOURS * 3600_000))
      .forUpdate()
      .execute();
    const expired = stale.length
      ? await trx
          .updateTable('project_imports')
          .set({
            status: 'failed',
            failure: `超过${UNAPPLIED_KEEP_HOURS}小时未确认导入，上传的文件已清理，请重新上传`,
            file_path: null,
            updated_at: now,
          })
          .where(
            'id',
            'in',
            stale.map((e) => e.id),
          )
          .returning(['id', 'region_code', 'status', 'failure'])
          .execute()
      : [];
    // staged rows nobody can apply any more (an applied import keeps its rows: its record)
    const staged = await sql`
      delete from project_import_rows r using project_imports i
      where i.id = r.import_id and i.status in ('failed', 'mapping')
        and i.id <> all(${sql.val(running())}::int[])`.execute(trx);
    const stagedRows = Number(staged.numAffectedRows ?? 0);
    const settled: Array<[string, Settled]> = [
      ...validations.map((r) => ['import.validation_interrupted', r] as [string, Settled]),
      ...applies.map((r) => ['import.apply_interrupted', r] as [string, Settled]),
      ...expired.map((r) => ['import.upload_expired', r] as [string, Settled]),
    ];
    if (settled.length)
      await recordAudits(
        trx,
        systemActor,
        settled.map(([action, r]) => ({
          action,
          entityType: 'project_import',
          entityId: r.id,
          regionCode: r.region_code,
          after: { status: r.status, failure: r.failure },
        })),
      );
    const names = await trx
      .selectFrom('project_imports')
      .select('file_path')
      .where('file_path', 'is not', null)
      .execute();
    return {
      figures: {
        validationsInterrupted: validations.length,
        appliesInterrupted: applies.length,
        expired: expired.length,
        stagedRows,
      },
      files: stale.map((e) => e.file_path!),
      named: new Set(names.map((n) => n.file_path!)),
    };
  });
  for (const f of done.files) await rm(f, { force: true });
  const orphanFiles = await sweepUploadDir(done.named, now);
  const figures = { ...done.figures, orphanFiles };
  if (figures.stagedRows + orphanFiles > 0)
    await recordAudits(db, systemActor, [
      {
        action: 'job.imports_swept',
        entityType: 'project_import',
        after: { stagedRows: figures.stagedRows, orphanFiles },
      },
    ]);
  return figures;
}

/** Removes upload files no import names, older than any import may wait. */
async function sweepUploadDir(named: Set<string>, now: Date): Promise<number> {
  const dir = uploadDir();
  const entries = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of entries) {
    const path = join(dir, name);
    if (named.has(path)) continue;
    const st = await stat(path).catch(() => null);
    if (!st?.isFile() || st.mtimeMs > ago(now, ORPHAN_FILE_HOURS * 3600_000).getTime()) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}

/** At every start and every minute: imports interrupted or left unapplied are settled. */
export const settleImportsJob: JobDefinition = {
  name: 'imports.settle',
  title: '整理中断或过期的导入',
  intervalSeconds: 60,
  runAtStart: true,
  handler: async ({ db }) => settleImports(db),
};
