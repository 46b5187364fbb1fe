import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ATTACHMENT_MAX_BYTES, type Attachment, type ImageContentType } from '@xiangmu/contracts';
import type { Db } from '../../platform/database/db';
import { DomainError } from '../../platform/http/domain-error';
import { assertCan, assertPathInScope, auditActorOf, type Actor } from '../access';
import { recordAudit } from '../audit';
import { enterpriseCreditCode } from '../users';
import * as repo from './attachment.repository';

/**
 * Photos of a project (月度调度 progress, 销号 evidence), kept in the database
 * as bytea: one backup holds them, and both engines store them the same way.
 * docs/adr/0009-monthly-reports-and-attachments.md
 */

export const presentAttachment = (a: {
  id: number;
  project_id: number;
  filename: string;
  content_type: ImageContentType;
  size: number;
  uploader_name: string;
  created_at: Date;
}): Attachment => ({
  id: a.id,
  projectId: a.project_id,
  filename: a.filename,
  contentType: a.content_type,
  size: a.size,
  uploaderName: a.uploader_name,
  createdAt: a.created_at.toISOString(),
});

/** The image type the first bytes prove, whatever the request claimed. */
export function sniffImage(b: Uint8Array): ImageContentType | null {
  const at = (i: number, bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
  if (at(0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp';
  return null;
}

/** A file name without folders or characters a header or a file system would trip on. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_').trim();
  return (clean || '照片').slice(0, 200);
}

async function readAtMost(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      bytes += c.length;
      if (bytes > max) {
        stream.destroy();
        throw new DomainError('ATTACHMENT_TOO_LARGE');
      }
      chunks.push(c);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('MALFORMED_REQUEST', { message: '图片上传中断，请重试' });
  }
  return Buffer.concat(chunks);
}

/** An enterprise user: only his company's projects (统一社会信用代码). */
async function assertEnterpriseOwns(db: Db, actor: Actor, ownerCreditCode: string | null) {
  const mine = await enterpriseCreditCode(db, actor);
  if (mine !== undefined && mine !== ownerCreditCode) throw new DomainError('ENTERPRISE_NOT_OWNER');
}

async function projectInScope(db: Db, actor: Actor, projectId: number) {
  const p = await repo.findProjectOf(db, projectId);
  if (!p) throw new DomainError('PROJECT_NOT_FOUND');
  assertPathInScope(actor, p.region_path);
  await assertEnterpriseOwns(db, actor, p.owner_credit_code);
  return p;
}

/** An uploaded photo: at most 10 MB, not empty, and an image by its first bytes. */
export async function readImageUpload(
  stream: Readable,
): Promise<{ data: Buffer; type: ImageContentType; sha256: string }> {
  const data = await readAtMost(stream, ATTACHMENT_MAX_BYTES);
  if (data.length === 0)
    throw new DomainError('VALIDATION_FAILED', { message: '上传的图片是空的' });
  const type = sniffImage(data);
  if (!type) throw new DomainError('ATTACHMENT_TYPE_INVALID');
  return { data, type, sha256: createHash('sha256').update(data).digest('hex') };
}

export async function uploadAttachment(
  db: Db,
  actor: Actor,
  projectId: number,
  upload: { filename: string; stream: Readable },
): Promise<Attachment> {
  assertCan(actor, 'attachment.upload');
  const project = await projectInScope(db, actor, projectId);
  const { data, type, sha256 } = await readImageUpload(upload.stream);
  const who = auditActorOf(actor);
  return db.transaction().execute(async (trx) => {
    const row = await repo.insertAttachment(trx, {
      project_id: project.id,
      region_code: project.region_code,
      filename: cleanFilename(upload.filename),
      content_type: type,
      size: data.length,
      sha256,
      data,
      uploaded_by: actor.userId,
      uploader_name: who.name,
    });
    const created = presentAttachment(row);
    await recordAudit(trx, who, {
      action: 'attachment.uploaded',
      entityType: 'attachment',
      entityId: row.id,
      regionCode: project.region_code,
      after: created,
    });
    return created;
  });
}

/** The photo's bytes and type, if the actor's scope holds its project. */
export async function getAttachmentContent(db: Db, actor: Actor, id: number) {
  assertCan(actor, 'attachment.read');
  const a = await repo.findAttachmentMeta(db, id);
  if (!a) throw new DomainError('ATTACHMENT_NOT_FOUND');
  assertPathInScope(actor, a.region_path);
  await assertEnterpriseOwns(db, actor, a.owner_credit_code);
  const row = await repo.findAttachmentData(db, id);
  if (!row) throw new DomainError('ATTACHMENT_NOT_FOUND');
  const d = row.data;
  return {
    attachment: presentAttachment(a),
    data: Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength),
  };
}

/** Photos by id, in the given order (for reports and problems). */
export async function attachmentsByIds(db: Db, ids: number[]): Promise<Attachment[]> {
  const rows = await repo.listAttachmentMeta(db, [...new Set(ids)]);
  const byId = new Map(rows.map((r) => [r.id, presentAttachment(r)]));
  return ids.map((id) => byId.get(id)).filter((a): a is Attachment => !!a);
}

/** Refuses photos that do not exist or were uploaded for another project. */
export async function assertAttachmentsOfProject(
  db: Db,
  ids: number[],
  projectId: number,
  field: string,
): Promise<void> {
  const rows = await repo.listAttachmentMeta(db, [...new Set(ids)]);
  for (const id of ids) {
    const a = rows.find((r) => r.id === id);
    if (!a)
      throw new DomainError('ATTACHMENT_NOT_FOUND', {
        issues: [{ path: field, message: `照片 ${id} 不存在` }],
      });
    if (a.project_id !== projectId)
      throw new DomainError('ATTACHMENT_PROJECT_MISMATCH', {
        issues: [{ path: field, message: `照片 ${id} 不属于该项目` }],
      });
  }
}

export const purgeOrphanAttachments = repo.deleteOrphans;
