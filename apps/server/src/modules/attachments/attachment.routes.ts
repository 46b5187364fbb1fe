import { Readable } from 'node:stream';
import { attachment, attachmentUploadQuery, idParam } from '@xiangmu/contracts';
import type { ApiApp, AppContext } from '../../platform/http/app';
import { DomainError } from '../../platform/http/domain-error';
import { sendUserFile } from '../../platform/http/download';
import { actorOf } from '../../platform/http/request';
import * as attachments from './attachment.service';

export function attachmentRoutes(app: ApiApp, { db }: AppContext) {
  const tags = ['照片'];
  app.post(
    '/api/projects/:id/attachments',
    {
      schema: {
        tags,
        summary:
          '上传项目照片（请求体为图片本身：JPEG、PNG 或 WebP，最大10MB，按文件头识别类型）；返回照片编号，供月度调度或问题销号引用',
        params: idParam,
        querystring: attachmentUploadQuery,
        response: { 200: attachment },
      },
    },
    async (req) => {
      if (!(req.body instanceof Readable))
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', {
          message: '请以图片文件（JPEG、PNG 或 WebP）上传',
        });
      return attachments.uploadAttachment(db, actorOf(req), req.params.id, {
        filename: req.query.filename,
        stream: req.body,
      });
    },
  );
  app.get(
    '/api/attachments/:id',
    { schema: { tags, summary: '查看照片（返回图片本身）', params: idParam } },
    async (req, reply) => {
      const { attachment: a, data } = await attachments.getAttachmentContent(
        db,
        actorOf(req),
        req.params.id,
      );
      return sendUserFile(reply, { contentType: a.contentType, data, filename: a.filename });
    },
  );
}
