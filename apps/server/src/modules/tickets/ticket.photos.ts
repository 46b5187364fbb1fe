import type { Readable } from 'node:stream';
import { type TicketPhoto } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, auditActorOf, type Actor } from '../access';
import { cleanFilename, readImageUpload } from '../attachments';
import { recordAudit } from '../audit';
import { viewerOf } from './ticket.access';
import { isOpen } from './ticket.rules';
import { loadVisible } from './ticket.present';

// A ticket's photos (现场照片): at most nine, stored in the database.

export const TICKET_MAX_PHOTOS = 9;

/** 现场照片: by whoever may see the ticket and is not just reading (no viewers) */
export async function uploadTicketPhoto(
  db: Db,
  actor: Actor,
  id: number,
  upload: { filename: string; stream: Readable },
): Promise<TicketPhoto> {
  assertCan(actor, 'ticket.act');
  const v = await viewerOf(db, actor);
  const row = await loadVisible(db, v, id);
  if (!isOpen(row.status))
    throw new DomainError('TICKET_TRANSITION_INVALID', { message: '工单已办结，不能再上传照片' });
  const { data, type, sha256 } = await readImageUpload(upload.stream);
  const who = auditActorOf(actor);
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('tickets')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const n = await trx
      .selectFrom('ticket_photos')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('ticket_id', '=', locked.id)
      .executeTakeFirstOrThrow();
    if (Number(n.n) >= TICKET_MAX_PHOTOS) throw new DomainError('TICKET_TOO_MANY_PHOTOS');
    const p = await trx
      .insertInto('ticket_photos')
      .values({
        ticket_id: id,
        filename: cleanFilename(upload.filename),
        content_type: type,
        size: data.length,
        sha256,
        data,
        uploaded_by: actor.userId,
        uploader_name: who.name,
      })
      .returning(['id', 'filename', 'content_type', 'size', 'uploader_name', 'created_at'])
      .executeTakeFirstOrThrow();
    const photo: TicketPhoto = {
      id: p.id,
      filename: p.filename,
      contentType: p.content_type,
      size: p.size,
      uploaderName: p.uploader_name,
      createdAt: p.created_at.toISOString(),
    };
    await recordAudit(trx, who, {
      action: 'ticket.photo_uploaded',
      entityType: 'ticket',
      entityId: id,
      regionCode: row.region_code,
      after: photo,
    });
    return photo;
  });
}

export async function getTicketPhoto(db: Db, actor: Actor, id: number, photoId: number) {
  assertCan(actor, 'ticket.read');
  const v = await viewerOf(db, actor);
  await loadVisible(db, v, id);
  const p = await db
    .selectFrom('ticket_photos')
    .select(['filename', 'content_type', 'data'])
    .where('id', '=', photoId)
    .where('ticket_id', '=', id)
    .executeTakeFirst();
  if (!p) throw new DomainError('TICKET_PHOTO_NOT_FOUND');
  return { filename: p.filename, contentType: p.content_type, data: Buffer.from(p.data) };
}
