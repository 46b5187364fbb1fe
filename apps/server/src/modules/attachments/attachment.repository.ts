import { sql } from 'kysely';
import type { Db } from '../../platform/database/db';

/** Every column but the bytes. */
const meta = [
  'attachments.id',
  'attachments.project_id',
  'attachments.region_code',
  'attachments.filename',
  'attachments.content_type',
  'attachments.size',
  'attachments.uploader_name',
  'attachments.created_at',
] as const;

export type AttachmentMeta = NonNullable<Awaited<ReturnType<typeof findAttachmentMeta>>>;

export const findAttachmentMeta = (db: Db, id: number) =>
  db
    .selectFrom('attachments')
    .innerJoin('projects', 'projects.id', 'attachments.project_id')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select(meta)
    .select(['regions.path as region_path', 'projects.owner_credit_code'])
    .where('attachments.id', '=', id)
    .executeTakeFirst();

export const findAttachmentData = (db: Db, id: number) =>
  db.selectFrom('attachments').select('data').where('id', '=', id).executeTakeFirst();

export const listAttachmentMeta = (db: Db, ids: number[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.selectFrom('attachments').select(meta).where('attachments.id', 'in', ids).execute();

export const insertAttachment = (
  db: Db,
  a: {
    project_id: number;
    region_code: string;
    filename: string;
    content_type: 'image/jpeg' | 'image/png' | 'image/webp';
    size: number;
    sha256: string;
    data: Uint8Array;
    uploaded_by: number | null;
    uploader_name: string;
  },
) => db.insertInto('attachments').values(a).returning(meta).executeTakeFirstOrThrow();

/** The project a photo is uploaded for, with its region path (scope) and owner. */
export const findProjectOf = (db: Db, id: number) =>
  db
    .selectFrom('projects')
    .innerJoin('regions', 'regions.code', 'projects.region_code')
    .select([
      'projects.id',
      'projects.region_code',
      'projects.owner_credit_code',
      'regions.path as region_path',
    ])
    .where('projects.id', '=', id)
    .executeTakeFirst();

/**
 * Deletes photos uploaded before `before` that no report uses. (A problem's
 * evidence photo was copied into its ticket's photos by migration 0016.)
 */
export async function deleteOrphans(db: Db, before: Date): Promise<number> {
  const res = await sql`
    delete from attachments a
    where a.created_at < ${before}
      and not exists (select 1 from monthly_report_photos p where p.attachment_id = a.id)`.execute(
    db,
  );
  return Number(res.numAffectedRows ?? 0);
}
