/**
 * Photos: the check every photo upload makes first (月度调度, 销号, 工单), and
 * the project photos' upload and address. The server checks the bytes again.
 */
import { ATTACHMENT_MAX_BYTES, imageContentTypes, type Attachment } from '@xiangmu/contracts';
import { upload } from './api-client';

export const photoUrl = (id: number) => `/api/attachments/${id}`;

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)}MB` : `${Math.ceil(bytes / 1024)}KB`;

/**
 * Refuses what the server would refuse anyway (it checks the first bytes), so
 * that a phone does not send 12 MB for nothing. Returns the content type to
 * send, or the Chinese reason.
 */
export function checkPhoto(
  file: File,
): { ok: true; contentType: string } | { ok: false; message: string } {
  const name = `“${file.name}”`;
  if (file.size === 0) return { ok: false, message: `${name}是空文件，请重新选择` };
  if (file.size > ATTACHMENT_MAX_BYTES)
    return {
      ok: false,
      message: `${name}有${sizeText(file.size)}，超过10MB，请压缩后再上传`,
    };
  const type = file.type.toLowerCase();
  if ((imageContentTypes as readonly string[]).includes(type))
    return { ok: true, contentType: type };
  if (/^image\/(heic|heif)/.test(type) || /\.(heic|heif)$/i.test(file.name))
    return {
      ok: false,
      message: `${name}是 HEIC 格式，只能上传 JPEG、PNG 或 WebP 图片（苹果手机可在“设置 → 相机 → 格式”中选择“兼容性最佳”）`,
    };
  if (type && type !== 'image/jpg' && type !== 'image/pjpeg')
    return { ok: false, message: `${name}不是 JPEG、PNG 或 WebP 格式的图片，无法上传` };
  // no or an odd declared type: the server decides by the file's first bytes
  return { ok: true, contentType: 'application/octet-stream' };
}

export const attachmentsApi = {
  /** a photo of the project (the image itself as the body) */
  upload: (projectId: number, file: File, contentType: string) =>
    upload<Attachment>(`/api/projects/${projectId}/attachments`, file, contentType, {
      filename: file.name,
    }),
};
